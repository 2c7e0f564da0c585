package hello;

import io.helidon.webserver.WebServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Serves "ok" on /metrics of a free port and writes its URL to the --ready-file=PATH it is given. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) throws Exception {
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/metrics", (request, response) -> response.send("ok\n")))
                .build().start();
        Path ready = Path.of(args[0].substring("--ready-file=".length()));
        Files.write(ready, List.of("http://127.0.0.1:" + server.port() + "/metrics"));
    }
}
