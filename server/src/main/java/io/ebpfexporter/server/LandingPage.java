package io.ebpfexporter.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/** {@code GET /}: the exporter's name, version and a link to the metrics path. */
final class LandingPage implements Handler {
    private final byte[] html;

    LandingPage(String metricsPath, BuildInfo build) {
        String escapedPath = metricsPath.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
        this.html = ("""
                <!DOCTYPE html>
                <html>
                <head><meta charset="utf-8"><title>eBPF Exporter</title></head>
                <body>
                <h1>eBPF Exporter</h1>
                <p>Prometheus exporter for the Linux eBPF subsystem, version %s (revision %s).</p>
                <p><a href="%s">Metrics</a></p>
                </body>
                </html>
                """).formatted(build.version(), build.revision(), escapedPath).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        response.send(html);
    }
}
