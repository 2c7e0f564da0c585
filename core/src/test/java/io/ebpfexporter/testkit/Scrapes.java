package io.ebpfexporter.testkit;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.CollectorMemory;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.iter.IteratedObjects;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectSource;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One collector's output in Prometheus text format, as the server would write it. */
public final class Scrapes {
    private Scrapes() {
    }

    /**
     * The sample value of {@code name{<idLabel>="<id>"}} as written, or null when there is no such
     * series (for metrics keyed by one id label, such as {@code prog_id} or {@code map_id}).
     */
    public static String value(String metrics, String name, String idLabel, int id) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{" + idLabel + "=\"" + Integer.toUnsignedString(id)
                + "\"} (\\S+)$").matcher(metrics);
        return m.find() ? m.group(1) : null;
    }

    /** A scrape's context as the server makes one: a reader per CPU, and Labels memory of its own. */
    public static ScrapeContext context() {
        return new ScrapeContext(Runtime.getRuntime().availableProcessors(), new CollectorMemory(), Host.LIVE);
    }

    /** The objects as the exporter lists them under reduced privileges: through iterators; the caller closes it. */
    public static ObjectSource iterated() {
        return IteratedObjects.forThisKernel();
    }

    public static String text(Collector collector) {
        return text(collector, context());
    }

    public static String text(Collector collector, ScrapeContext scrape) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out,
                    MetricSnapshots.of(collector.collect(scrape).toArray(new MetricSnapshot[0])));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
