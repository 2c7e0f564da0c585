package io.ebpfexporter.collector.maps;

import io.ebpfexporter.core.info.MapInfo;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.testkit.Fixtures;

import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark, not a test (run it with core/bench.sh): counting a 1,000,000-entry hash map by the
 * kernel-count iterator, by batch lookup and key by key, and every map of a host with 10,000 maps.
 * Prints the median of several runs and the syscalls each method makes.
 */
public final class MapCountBench {
    private static final int RUNS = 5;

    private MapCountBench() {
    }

    private interface Timed {
        long run() throws Exception;
    }

    /** Median milliseconds of {@link #RUNS} runs; checks every run returns {@code expected}. */
    private static double median(String what, long expected, Timed body) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            long n = body.run();
            ms.add((System.nanoTime() - start) / 1e6);
            if (n != expected) {
                throw new IllegalStateException(what + " counted " + n + ", expected " + expected);
            }
        }
        ms.sort(null);
        return ms.get(RUNS / 2);
    }

    private static MapInfo info(Fixtures.Made map) {
        MapInfo[] found = new MapInfo[1];
        ObjectWalk.forEach(ObjectSource.KERNEL, ObjectKind.MAPS, m -> {
            if (m.info().id() == map.id()) {
                found[0] = m.info();
            }
        });
        return found[0];
    }

    public static void main(String[] args) throws Exception {
        int entries = 1_000_000;
        int maps = 10_000;
        try (Fixtures fx = new Fixtures()) {
            var big = fx.map(Fixtures.MAP_HASH, 4, 8, entries, 0, "bench_big");
            fx.fill(big, entries);
            MapInfo bigInfo = info(big);
            long batchCalls = entries / Math.max(1, (1 << 20) / 12) + 1;
            MapElemCounts.read().orElseThrow(() -> new IllegalStateException("the kernel-count iterator is unavailable"));
            System.out.printf("| 1,000,000-entry hash map | kernel count (iter/bpf_map) | %.3f ms | 8 to set up and tear down (load, 2 info, link, iter create, 3 close) + read() until EOF |%n",
                    median("iterator", entries, () -> MapElemCounts.read().orElseThrow().get(big.id())));
            System.out.printf("| 1,000,000-entry hash map | BPF_MAP_LOOKUP_BATCH | %.1f ms | %d |%n",
                    median("batch", entries, () -> MapEntries.countByBatch(big.fd(), bigInfo, Long.MAX_VALUE)), batchCalls);
            System.out.printf("| 1,000,000-entry hash map | BPF_MAP_GET_NEXT_KEY | %.1f ms | %d |%n",
                    median("key by key", entries, () -> MapEntries.countKeyByKey(big.fd(), bigInfo, Long.MAX_VALUE)),
                    entries + 1L);
            for (int i = 0; i < maps; i++) {
                fx.fill(fx.map(Fixtures.MAP_HASH, 4, 8, 16, 0, "bench_" + i), i % 16);
            }
            double all = median("all maps", maps + 1L, () -> MapElemCounts.read().orElseThrow().keySet().stream()
                    .filter(id -> id >= big.id()).count());
            System.out.printf("| %,d maps (one of them 1,000,000 entries) | kernel count, every map | %.2f ms | the same 8 + read() until EOF |%n",
                    maps + 1, all);
        }
    }
}
