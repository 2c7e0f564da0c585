package io.ebpfexporter.testkit;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.CollectorMemory;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.iter.IteratedObjects;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One collector instance scraping a host again and again, with the memory it keeps from one scrape to the
 * next, against a fresh instance with fresh memory scraping the same host: what a collector keeps across
 * scrapes (results of unchanged objects, snapshots of unchanged families) must never change what it
 * exposes. Compared are the series of the objects the test made (other tests share the host), without
 * clock readings ({@code _timestamp_seconds}, which a fresh instance estimates anew).
 */
public final class RepeatedScrapes {
    /** Where objects are read from: the syscall walk as root, or the iterators of reduced privileges. */
    public enum Mode { FULL, REDUCED }

    private static final int ROUNDS = 4;

    private RepeatedScrapes() {
    }

    /**
     * Makes {@code objects} before the first scrape and again before the third (the host changes once in
     * between), and compares every scrape of one instance of {@code collector} (of {@code kind}, in its
     * default configuration) with a fresh instance's. Under {@link Mode#REDUCED}, a kind no iterator lists
     * on this kernel has none of the objects' series.
     */
    public static void assertRepeatsAsFresh(Mode mode, ObjectKind<?> kind, Supplier<Collector> collector,
                                            Function<Fixtures, List<Fixtures.Made>> objects) {
        Kernel.requireBpf();
        String idLabel = kind.idLabel();
        try (Fixtures fx = new Fixtures(); ObjectSource source = mode == Mode.FULL ? ObjectSource.KERNEL
                : IteratedObjects.forThisKernel(); Collector kept = configured(collector)) {
            boolean listed = !(source instanceof IteratedObjects iterated) || !iterated.unavailable().containsKey(kind);
            if (!listed) {
                System.out.println("reduced mode lists no " + kind + ": "
                        + ((IteratedObjects) source).unavailable().get(kind) + "; its series must be absent");
            }
            Host host = Host.live(source);
            CollectorMemory memory = new CollectorMemory();
            List<Integer> ids = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                if (round == 0 || round == 2) {
                    objects.apply(fx).forEach(made -> ids.add(made.id()));
                }
                String repeated = seriesOf(Scrapes.text(kept, new ScrapeContext(2, memory, host)), idLabel, ids);
                String fresh;
                try (Collector first = configured(collector)) {
                    fresh = seriesOf(Scrapes.text(first, new ScrapeContext(2, new CollectorMemory(), host)), idLabel, ids);
                }
                assertEquals(fresh, repeated, mode + " " + kind + ", scrape " + (round + 1) + " of one instance");
                for (int id : ids) {
                    boolean has = naming(idLabel, id).matcher(fresh).find();
                    if (listed) {
                        assertTrue(has, mode + " " + kind + " " + id + " exposed:\n" + fresh);
                    } else {
                        assertFalse(has, mode + " " + kind + " " + id + " not listed:\n" + fresh);
                    }
                }
            }
        }
    }

    private static Collector configured(Supplier<Collector> make) {
        Collector collector = make.get();
        collector.configure(new MapSettings(collector.name(), Map.of()));
        return collector;
    }

    /** The series of {@code text} that name one of {@code ids} as {@code idLabel}, without clock readings. */
    private static String seriesOf(String text, String idLabel, List<Integer> ids) {
        List<Pattern> ofIds = ids.stream().map(id -> naming(idLabel, id)).toList();
        return text.lines().filter(l -> !l.startsWith("#") && !l.contains("_timestamp_seconds{"))
                .filter(l -> ofIds.stream().anyMatch(p -> p.matcher(l).find()))
                .collect(Collectors.joining("\n"));
    }

    /** A series' label set naming {@code idLabel}="{@code id}". */
    private static Pattern naming(String idLabel, int id) {
        return Pattern.compile("[{,]" + idLabel + "=\"" + id + "\"[,}]");
    }
}
