package io.ebpfexporter.server.scrape;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.LinkRecipes;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.Providers;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the exporter keeps from one scrape to the next (each collector's label memory, last snapshots and
 * walk results, the program names it looked up, the texts kept for unchanged families) holds only objects
 * that still exist: once real maps, programs and links are closed and gone from the kernel, two scrapes
 * later nothing of their series is reachable, every option on.
 */
class ForgottenObjectsTest {
    private static final Set<String> ID_LABELS = Set.of("map_id", "prog_id", "link_id");
    private static final String FUNCTION = "forgotten_function_full_name";
    private static final Map<String, Map<String, String>> EVERY_OPTION = Map.of(
            "programs", Map.of("owners", "true", "stats.mode", "enabled"),
            "maps", Map.of("owners", "true", "count_entries", "true"),
            "links", Map.of("owners", "true"),
            "btf", Map.of("owners", "true"));

    @Test
    void seriesOfObjectsLongGoneAreUnreachable() throws Exception {
        Kernel.requireBpf();
        List<Collector> collectors = new ArrayList<>(Providers.of(Collector.class));
        collectors.sort(Comparator.comparing(Collector::name));
        try {
            for (Collector collector : collectors) {
                collector.configure(new MapSettings(collector.name(), EVERY_OPTION.getOrDefault(collector.name(), Map.of())));
            }
            Scrape scrape = new Scrape(collectors, new BuildInfo("t", "t", "t"), Host.LIVE, new ScrapeThreads(2),
                    ExporterHealth.none());
            ExpositionText text = new ExpositionText(PrometheusTextFormatWriter.create(), new FamilyTexts(1 << 20));
            Set<String> ids = new HashSet<>();
            List<WeakReference<Object>> theirs;
            try (Fixtures fx = new Fixtures()) {
                for (int i = 0; i < 20; i++) {
                    ids.add(Integer.toString(fx.map(Fixtures.MAP_HASH, 4, 8, 16, 0, "forgotten_map").id()));
                    ids.add(Integer.toString(fx.program(Fixtures.PROG_SOCKET_FILTER, "forgotten_prog").id()));
                }
                ids.add(Integer.toString(fx.programWithFuncInfo(FUNCTION).id()));
                Fixtures.Made linked = fx.program(LinkRecipes.PROG_RAW_TRACEPOINT, "forgotten_link");
                ids.add(Integer.toString(linked.id()));
                ids.add(Integer.toString(fx.rawTracepoint(linked, "sched_process_exec").id()));
                written(scrape, text); // the second scrape reuses the first's labels and texts
                theirs = reachedFrom(written(scrape, text), ids);
            }
            assertTrue(theirs.size() > ids.size(), "series of the objects made: " + theirs.size());
            for (long deadline = System.nanoTime() + 10_000_000_000L; listed(written(scrape, text), ids); ) {
                assertTrue(System.nanoTime() < deadline, "closed objects still listed after 10 s");
                Thread.sleep(50); // the kernel frees a closed object's id after an RCU grace period
            }
            written(scrape, text);
            written(scrape, text);
            assertEquals(0, stillReachable(theirs), "series of closed objects still reachable after a GC");
        } finally {
            collectors.forEach(Collector::close);
        }
    }

    /** A whole scrape, written as /metrics writes it (which keeps texts of unchanged families). */
    private static MetricSnapshots written(Scrape scrape, ExpositionText text) throws Exception {
        MetricSnapshots snapshots = scrape.collect();
        text.write(snapshots, new ByteArrayOutputStream());
        return snapshots;
    }

    /** Weak references to every family, series and Labels of one of {@code ids}, and to the full name. */
    private static List<WeakReference<Object>> reachedFrom(MetricSnapshots snapshots, Set<String> ids) {
        List<WeakReference<Object>> refs = new ArrayList<>();
        for (MetricSnapshot family : snapshots) {
            boolean ours = false;
            for (DataPointSnapshot point : family.getDataPoints()) {
                if (ofOurs(point.getLabels(), ids)) {
                    ours = true;
                    refs.add(new WeakReference<>(point));
                    refs.add(new WeakReference<>(point.getLabels()));
                    point.getLabels().forEach(label -> {
                        if (label.getValue().equals(FUNCTION)) {
                            refs.add(new WeakReference<>(label.getValue()));
                        }
                    });
                }
            }
            if (ours) {
                refs.add(new WeakReference<>(family));
            }
        }
        return refs;
    }

    private static boolean listed(MetricSnapshots snapshots, Set<String> ids) {
        for (MetricSnapshot family : snapshots) {
            for (DataPointSnapshot point : family.getDataPoints()) {
                if (ofOurs(point.getLabels(), ids)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean ofOurs(Labels labels, Set<String> ids) {
        for (String name : ID_LABELS) {
            String value = labels.get(name);
            if (value != null && ids.contains(value)) {
                return true;
            }
        }
        return false;
    }

    /** How many of {@code refs} a full collection leaves set (weak references clear as the collection runs). */
    private static long stillReachable(List<WeakReference<Object>> refs) throws InterruptedException {
        for (int i = 0; i < 10 && refs.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
            Thread.sleep(20);
        }
        return refs.stream().filter(r -> r.get() != null).count();
    }
}
