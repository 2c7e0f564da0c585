package io.ebpfexporter.server.scrape;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.testkit.Scrapes;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One failing collector never fails the scrape. */
class ScrapeTest {

    private static Collector named(String name, Runnable body, Family family) {
        return new Collector() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<MetricSnapshot> collect(ScrapeContext scrape) {
                body.run();
                return Family.snapshots(family);
            }
        };
    }

    @Test
    void aThrowingCollectorReportsSuccessZeroAndTheOthersAreComplete() throws Exception {
        Family healthy = Scrapes.context().gauge("test_healthy_value", "a value", "id");
        healthy.add(42, "7");
        Family broken = Scrapes.context().gauge("test_broken_value", "never emitted", "id");
        broken.add(1, "1");
        Scrape scrape = new Scrape(List.of(
                named("healthy", () -> { }, healthy),
                named("broken", () -> {
                    throw new IllegalStateException("simulated collector bug");
                }, broken)),
                new BuildInfo("1", "abc", "21"), Host.LIVE, ScrapeThreads.HOST, ExporterHealth.none());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, scrape.collect());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("ebpf_exporter_collector_success{collector=\"broken\"} 0.0\n"), text);
        assertTrue(text.contains("ebpf_exporter_collector_success{collector=\"healthy\"} 1.0\n"), text);
        assertTrue(text.contains("test_healthy_value{id=\"7\"} 42.0\n"), text);
        assertFalse(text.contains("test_broken_value"), text);
    }
}
