package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Debian's Prometheus server scrapes the exporter every second; its query API must see the series. */
class PrometheusServerTest {

    @Test
    void aRealPrometheusScrapesItAndSeesThePrograms() throws Exception {
        Kernel.requireBpf();
        try (Fixtures fx = new Fixtures(); ExporterProcess exporter = ExporterProcess.start("");
             PrometheusProcess server = PrometheusProcess.start("""
                     global:
                       scrape_interval: 1s
                       scrape_timeout: 1s
                     scrape_configs:
                       - job_name: ebpf
                         static_configs:
                           - targets: ["127.0.0.1:%d"]
                     """.formatted(exporter.port()))) {
            var prog = fx.program(Fixtures.PROG_SOCKET_FILTER, "prom_e2e");
            String up = server.await("/api/v1/query?query=up", a -> a.contains(",\"1\"]"));
            String programs = server.await("/api/v1/query?query=ebpf_program_info",
                    a -> a.contains("\"prog_id\":\"" + prog.id() + "\""));
            assertTrue(up.contains("\"value\":[") && up.contains(",\"1\"]"), "up == 1: " + up + "\n" + server.log());
            assertTrue(programs.contains("\"prog_id\":\"" + prog.id() + "\""), programs);
            String failures = server.query("ebpf_exporter_collector_success == 0");
            assertTrue(failures.contains("\"result\":[]"), "no collector failed: " + failures);
        }
    }
}
