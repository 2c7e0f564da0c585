package io.ebpfexporter.server.http;

import io.ebpfexporter.server.scrape.BuildInfo;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /}: the exporter's name, version, a link to the metrics path, and the live view: the page
 * reads {@link LiveView}'s {@code live.json} every few seconds and renders its tables (plain HTML and a
 * little JavaScript, served from the image).
 */
final class LandingPage implements Handler {
    private final byte[] html;

    LandingPage(String metricsPath, BuildInfo build) {
        this.html = template().replace("@VERSION@", escape(build.version())).replace("@REVISION@", escape(build.revision()))
                .replace("@METRICS_PATH@", escape(metricsPath)).getBytes(StandardCharsets.UTF_8);
    }

    private static String template() {
        try (InputStream in = LandingPage.class.getResourceAsStream("landing.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the landing page is missing from the image", e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        response.send(html);
    }
}
