package io.ebpfexporter.server;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.server.scrape.BuildInfo;
import io.ebpfexporter.server.scrape.ExporterHealth;
import io.ebpfexporter.server.scrape.ExpositionText;
import io.ebpfexporter.server.scrape.FamilyTexts;
import io.ebpfexporter.server.scrape.Scrape;
import io.ebpfexporter.server.scrape.ScrapeThreads;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.Providers;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole exposition of every collector, with default settings, over a given host: what the golden
 * files hold. Collector durations are the one thing that differs run to run, so they read "<duration>".
 */
final class GoldenExposition {
    static final Path DIR = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/golden");
    static final Path RECORDING = DIR.resolve("objects.rec");
    static final Path ROOT = DIR.resolve("root");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    private GoldenExposition() {
    }

    static Path expected(Naming naming) {
        return DIR.resolve(naming.name().toLowerCase(Locale.ROOT) + ".prom");
    }

    static String of(ObjectSource objects, Naming naming) throws Exception {
        List<Collector> collectors = new ArrayList<>(Providers.of(Collector.class));
        collectors.sort(Comparator.comparing(Collector::name));
        try {
            for (Collector collector : collectors) {
                collector.configure(new MapSettings(collector.name(), Map.of(), naming));
            }
            ScrapeThreads threads = new ScrapeThreads(2);
            Scrape scrape = new Scrape(collectors, new BuildInfo("golden", "golden", "golden"),
                    new Host(objects, ROOT, CLOCK), threads, ExporterHealth.none()); // no process figures: they differ by run
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new ExpositionText(PrometheusTextFormatWriter.create(), new FamilyTexts(1 << 20)).write(scrape.collect(), out);
            return out.toString(StandardCharsets.UTF_8)
                    .replaceAll("(?m)^(ebpf_exporter_collector_duration_seconds\\{[^}]*}) .*$", "$1 <duration>");
        } finally {
            collectors.forEach(Collector::close);
        }
    }
}
