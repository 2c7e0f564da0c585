package io.ebpfexporter.server.scrape;

import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The exporter's own process and heap, the health an SRE watches on every node: client_java's
 * ProcessMetrics (client_golang's {@code process_*} names and meaning; CPU and fds through jdk.management),
 * the heap and its pools (JvmMemoryMetrics) and GC time (JvmGarbageCollectorMetrics), plus
 * {@code process_virtual_memory_max_bytes}, which client_golang has and client_java lacks.
 */
public final class ExporterHealth {
    private static final Path LIMITS = Path.of("/proc/self/limits");

    private final PrometheusRegistry registry;

    private ExporterHealth(PrometheusRegistry registry) {
        this.registry = registry;
    }

    public static ExporterHealth create() {
        PrometheusRegistry registry = new PrometheusRegistry();
        ProcessMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        registry.register(ExporterHealth::virtualMemoryMax);
        return new ExporterHealth(registry);
    }

    /** Nothing: --web.disable-exporter-metrics. */
    public static ExporterHealth none() {
        return new ExporterHealth(null);
    }

    List<MetricSnapshot> collect() {
        return registry == null ? List.of() : registry.scrape().stream().toList();
    }

    /** RLIMIT_AS as /proc/self/limits states it; "unlimited" is 2^64 - 1, as client_golang reports it. */
    private static MetricSnapshot virtualMemoryMax() {
        var family = GaugeSnapshot.builder().name("process_virtual_memory_max_bytes").unit(Unit.BYTES)
                .help("Maximum amount of virtual memory available in bytes.");
        try {
            for (String line : Files.readAllLines(LIMITS)) {
                if (line.startsWith("Max address space")) {
                    String soft = line.substring("Max address space".length()).trim().split("\\s+")[0];
                    double value = soft.equals("unlimited") ? 0x1p64 : Double.parseDouble(soft);
                    family.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build());
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: the series is absent, never a made-up value
        }
        return family.build();
    }
}
