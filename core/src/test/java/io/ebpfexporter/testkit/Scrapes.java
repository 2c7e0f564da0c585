package io.ebpfexporter.testkit;

import io.ebpfexporter.core.Collector;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** One collector's output in Prometheus text format, as the server would write it. */
public final class Scrapes {
    private Scrapes() {
    }

    public static String text(Collector collector) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out,
                    MetricSnapshots.of(collector.collect().toArray(new MetricSnapshot[0])));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
