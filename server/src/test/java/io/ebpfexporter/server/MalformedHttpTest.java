package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad requests written byte by byte on a raw socket: each gets an HTTP error status, the exporter
 * logs nothing for them but one warning for the line that is not HTTP at all (Helidon's own, with its
 * 500), and it keeps serving scrapes afterwards.
 */
class MalformedHttpTest {
    /** Sends {@code request} as is and returns the status line of the answer. */
    private static String statusLine(ExporterProcess exporter, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", exporter.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != -1 && b != '\n'; ) {
                line.write(b);
            }
            return line.toString(StandardCharsets.ISO_8859_1).strip();
        }
    }

    private static String get(String target, String headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + headers + "\r\n";
    }

    @Test
    void badRequestsGetErrorStatusesAndTheServerKeepsServing() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("")) {
            int linesBefore = exporter.output().split("\n").length;
            assertEquals("HTTP/1.1 405 Method Not Allowed", statusLine(exporter, "POST /metrics HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"));
            assertEquals("HTTP/1.1 405 Method Not Allowed", statusLine(exporter, "BREW /metrics HTTP/1.1\r\nHost: t\r\n\r\n"));
            assertEquals("HTTP/1.1 404 Not Found", statusLine(exporter, "DELETE /other HTTP/1.1\r\nHost: t\r\n\r\n"));
            assertEquals("HTTP/1.1 404 Not Found", statusLine(exporter, get("/metricsx", "")));
            assertEquals("HTTP/1.1 400 Bad Request", statusLine(exporter, get("/metrics", "X-Big: " + "a".repeat(70_000) + "\r\n")));
            assertEquals("HTTP/1.1 414 Request-URI Too Long", statusLine(exporter, get("/metrics?" + "a".repeat(70_000), "")));
            assertEquals("HTTP/1.1 400 Bad Request", statusLine(exporter, "GET /metrics HTTP/1.1\r\n\r\n"), "no Host header");
            assertEquals("HTTP/1.1 505 HTTP Version Not Supported", statusLine(exporter, "GET /metrics HTTP/1.0\r\n\r\n"));
            assertEquals("HTTP/1.1 400 Bad Request", statusLine(exporter, get("/met\u0001rics", "")), "a control character");
            // a line that is not HTTP at all: Helidon answers 500 and logs one warning
            assertEquals("HTTP/1.1 500 Internal Server Error", statusLine(exporter, "\u0000\u0001\u0002 garbage\r\n\r\n"));
            assertEquals("HTTP/1.1 200 OK", statusLine(exporter, "HEAD /metrics HTTP/1.1\r\nHost: t\r\n\r\n"));

            String metrics = exporter.scrape();
            assertTrue(metrics.contains("ebpf_exporter_collector_success{collector=\"programs\"} 1"), metrics);
            Thread.sleep(500); // let the log reader catch up
            assertEquals(linesBefore + 1, exporter.output().split("\n").length, "one line, for the garbage:\n"
                    + exporter.output());
            assertTrue(exporter.output().contains("WARN io.helidon.webserver.http1.Http1Connection: Internal server"
                    + " error (io.helidon.http.RequestException: Internal error; caused by"), exporter.output());
            for (String line : exporter.output().split("\n")) {
                assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ [A-Z]+ \\S+: .*"), "one line per log record: " + line);
                assertFalse(line.contains("\tat "), line);
            }
        }
    }
}
