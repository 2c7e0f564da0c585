package hello;

import io.helidon.webserver.WebServer;

/** Serves "ok" on /metrics of a free port and prints the exporter's "listening on" line. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/metrics", (request, response) -> response.send("ok\n")))
                .build().start();
        System.out.println("listening on http://127.0.0.1:" + server.port() + "/metrics");
    }
}
