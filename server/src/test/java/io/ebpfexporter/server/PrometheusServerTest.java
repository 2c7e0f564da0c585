package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Debian's Prometheus server scrapes the exporter every second; its query API must see the series. */
class PrometheusServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String query(int port, String promql) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aRealPrometheusScrapesItAndSeesThePrograms() throws Exception {
        Kernel.requireBpf();
        String prometheus = Kernel.requireTool("prometheus");
        Path dir = Files.createTempDirectory("prometheus-e2e");
        int promPort;
        try (ServerSocket free = new ServerSocket(0)) {
            promPort = free.getLocalPort();
        }
        try (Fixtures fx = new Fixtures(); ExporterProcess exporter = ExporterProcess.start("")) {
            var prog = fx.program(Fixtures.PROG_SOCKET_FILTER, "prom_e2e");
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: ebpf
                        static_configs:
                          - targets: ["127.0.0.1:%d"]
                    """.formatted(exporter.port()));
            Process server = new ProcessBuilder(prometheus, "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort,
                    "--log.level=warn").redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
            try {
                String up = "";
                String programs = "";
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < deadline) {
                    Thread.sleep(1000);
                    try {
                        up = query(promPort, "up{job=\"ebpf\"}");
                        programs = query(promPort, "ebpf_program_info{prog_name=\"prom_e2e\"}");
                    } catch (java.io.IOException notYetListening) {
                        continue;
                    }
                    if (up.contains("\"1\"]") && programs.contains("\"prog_id\":\"" + prog.id() + "\"")) {
                        break;
                    }
                }
                assertTrue(up.contains("\"value\":[") && up.contains(",\"1\"]"), "up == 1: " + up
                        + "\n" + Files.readString(dir.resolve("log")));
                assertTrue(programs.contains("\"prog_id\":\"" + prog.id() + "\""), programs);
                String failures = query(promPort, "ebpf_exporter_collector_success == 0");
                assertTrue(failures.contains("\"result\":[]"), "no collector failed: " + failures);
            } finally {
                server.destroy();
                if (!server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (Files.exists(dir)) {
            fail("temporary Prometheus data left in " + dir);
        }
    }
}
