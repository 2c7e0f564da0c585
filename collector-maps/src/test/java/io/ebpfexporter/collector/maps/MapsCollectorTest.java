package io.ebpfexporter.collector.maps;

import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.testkit.Bpftool;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The maps collector on real maps of many types, checked against bpftool. */
class MapsCollectorTest {
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
    }

    private static MapsCollector collector(Map<String, String> settings) {
        MapsCollector c = new MapsCollector();
        c.configure(new MapSettings("maps", settings));
        return c;
    }

    private static String series(String metrics, String name, int id) {
        return Scrapes.value(metrics, name, "map_id", id);
    }

    @Test
    void infoMaxEntriesMemlockAndFrozenMatchBpftool() throws Exception {
        try (Fixtures fx = new Fixtures()) {
            var hash = fx.map(Fixtures.MAP_HASH, 4, 8, 1024, 0, "m_hash");
            var array = fx.map(Fixtures.MAP_ARRAY, 4, 8, 16, 0, "m_array");
            var percpu = fx.map(Fixtures.MAP_PERCPU_HASH, 4, 8, 1024, 0, "m_percpu");
            var lru = fx.map(Fixtures.MAP_LRU_HASH, 4, 8, 1024, 0, "m_lru");
            var perf = fx.map(Fixtures.MAP_PERF_EVENT_ARRAY, 4, 4, CPUS, 0, "m_perf");
            var ring = fx.map(Fixtures.MAP_RINGBUF, 0, 0, 16384, 0, "m_ring");
            var rdonly = fx.map(Fixtures.MAP_HASH, 4, 8, 64, 0x80, "m.rdonly_prog");
            fx.freeze(array);
            String metrics = Scrapes.text(collector(Map.of()));
            for (var made : new Fixtures.Made[] {hash, array, percpu, lru, perf, ring, rdonly}) {
                String json = Bpftool.show("map", made.id());
                String line = "ebpf_map_info{flags=\"" + Bpftool.field(json, "flags") + "\",key_size=\"" + Bpftool.field(json, "bytes_key")
                        + "\",map_id=\"" + made.id() + "\",map_name=\"" + Bpftool.field(json, "name") + "\",map_type=\""
                        + Bpftool.field(json, "type") + "\",value_size=\"" + Bpftool.field(json, "bytes_value") + "\"} 1\n";
                assertTrue(metrics.contains(line), "missing " + line + " in\n" + metrics);
                assertEquals(Double.parseDouble(Bpftool.field(json, "max_entries")),
                        Double.parseDouble(series(metrics, "ebpf_map_max_entries", made.id())));
                assertEquals(Double.parseDouble(Bpftool.field(json, "bytes_memlock")),
                        Double.parseDouble(series(metrics, "ebpf_map_memlock_bytes", made.id())));
                assertEquals(Double.parseDouble(Bpftool.field(json, "frozen")),
                        Double.parseDouble(series(metrics, "ebpf_map_frozen", made.id())));
            }
            assertEquals("1.0", series(metrics, "ebpf_map_frozen", array.id()));
            assertTrue(metrics.contains("flags=\"128\",key_size=\"4\",map_id=\"" + rdonly.id()), metrics);
            assertTrue(metrics.contains("map_type=\"perf_event_array\""));
            assertTrue(metrics.contains("map_type=\"ringbuf\""));
            assertFalse(metrics.contains("ebpf_map_entries"), "entry counting is off by default");
        }
    }

    @Test
    void aStructOpsMapNamesTheKernelStructItFills() throws Exception {
        KernelFeatures.require(KernelFeatures.member("bpf_map_info", "btf_vmlinux_value_type_id"),
                "bpf_map_info.btf_vmlinux_value_type_id", "5.6");
        KernelBtf btf = KernelBtf.vmlinux();
        int value = btf.find(KernelBtf.KIND_STRUCT, "bpf_struct_ops_tcp_congestion_ops").orElseThrow();
        try (Fixtures fx = new Fixtures()) {
            var ops = fx.structOpsMap(value, (int) btf.size(value), 0, fx.tinyBtf(), "m_ca"); // created, never registered
            var hash = fx.map(Fixtures.MAP_HASH, 4, 8, 16, 0, "m_not_ops");
            String metrics = Scrapes.text(collector(Map.of()));
            assertEquals("tcp_congestion_ops", Bpftool.field(Bpftool.show("struct_ops", ops.id()), "kernel_struct_ops"));
            assertTrue(metrics.contains("ebpf_map_struct_ops_info{kernel_struct_ops=\"tcp_congestion_ops\",map_id=\""
                    + ops.id() + "\"} 1\n"), metrics);
            assertFalse(metrics.matches("(?s).*ebpf_map_struct_ops_info\\{[^}]*map_id=\"" + hash.id() + "\".*"),
                    "other maps have no struct series");
        }
    }

    @Test
    void entriesExactForHashFamilyFullForArraysAbsentForTheRest() {
        try (Fixtures fx = new Fixtures()) {
            var hash = fx.map(Fixtures.MAP_HASH, 4, 8, 1024, 0, "c_hash");
            var noPrealloc = fx.map(Fixtures.MAP_HASH, 4, 8, 1024, 1, "c_hash_np");
            var percpu = fx.map(Fixtures.MAP_PERCPU_HASH, 4, 8, 1024, 0, "c_percpu");
            var lru = fx.map(Fixtures.MAP_LRU_HASH, 4, 8, 1024, 0, "c_lru");
            var big = fx.map(Fixtures.MAP_HASH, 4, 8, 100_000, 0, "c_big");
            var empty = fx.map(Fixtures.MAP_HASH, 4, 8, 8, 0, "c_empty");
            var array = fx.map(Fixtures.MAP_ARRAY, 4, 8, 16, 0, "c_array");
            var perf = fx.map(Fixtures.MAP_PERF_EVENT_ARRAY, 4, 4, CPUS, 0, "c_perf");
            var ring = fx.map(Fixtures.MAP_RINGBUF, 0, 0, 16384, 0, "c_ring");
            fx.fill(hash, 1000);
            for (int k = 0; k < 10; k++) {
                assertTrue(fx.delete(hash, k));
            }
            fx.fill(noPrealloc, 500);
            fx.fill(percpu, 300);
            fx.fill(lru, 200);
            fx.fill(big, 100_000);
            String metrics = Scrapes.text(collector(Map.of("count_entries", "true")));
            assertEquals("990.0", series(metrics, "ebpf_map_entries", hash.id()));
            assertEquals("500.0", series(metrics, "ebpf_map_entries", noPrealloc.id()));
            assertEquals("300.0", series(metrics, "ebpf_map_entries", percpu.id()));
            assertEquals("200.0", series(metrics, "ebpf_map_entries", lru.id()));
            assertEquals("100000.0", series(metrics, "ebpf_map_entries", big.id()));
            assertEquals("0.0", series(metrics, "ebpf_map_entries", empty.id()));
            assertEquals("16.0", series(metrics, "ebpf_map_entries", array.id()));
            assertEquals(null, series(metrics, "ebpf_map_entries", perf.id()));
            assertEquals(null, series(metrics, "ebpf_map_entries", ring.id()));
            assertFalse(metrics.contains("ebpf_exporter_map_entries_truncated"), metrics);
        }
    }

    /** Arrays of references count their occupied slots, as the seed counted them. */
    @Test
    void fdArraysCountTheirOccupiedSlots() {
        try (Fixtures fx = new Fixtures()) {
            var progs = fx.map(Fixtures.MAP_PROG_ARRAY, 4, 4, 8, 0, "c_progs");
            var devices = fx.map(Fixtures.MAP_DEVMAP, 4, 4, 4, 0, "c_devs");
            var tail = fx.program(Fixtures.PROG_SOCKET_FILTER, "c_tail");
            for (int slot : new int[] {1, 5}) {
                fx.update(progs, u32(slot), u32(tail.fd()));
            }
            fx.update(devices, u32(2), u32(1)); // loopback, ifindex 1 in every network namespace
            String metrics = Scrapes.text(collector(Map.of("count_entries", "true")));
            assertEquals("2.0", series(metrics, "ebpf_map_entries", progs.id()), metrics);
            assertEquals("1.0", series(metrics, "ebpf_map_entries", devices.id()), metrics);
        }
    }

    private static byte[] u32(int value) {
        return java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(value).array();
    }

    @Test
    void countUnderConcurrentDeletesIsPlausibleOrAbsent() throws Exception {
        try (Fixtures fx = new Fixtures()) {
            var map = fx.map(Fixtures.MAP_HASH, 4, 8, 100_000, 0, "c_churn");
            fx.fill(map, 100_000);
            MapsCollector collector = collector(Map.of("count_entries", "true", "count_entries_iterator", "false"));
            Thread deleter = Thread.ofPlatform().start(() -> {
                for (int k = 0; k < 100_000; k += 2) {
                    fx.delete(map, k);
                }
            });
            int counted = 0;
            int omitted = 0;
            try {
                for (int scrape = 0; scrape < 20; scrape++) {
                    String metrics = Scrapes.text(collector);
                    String n = series(metrics, "ebpf_map_entries", map.id());
                    if (n == null) {
                        assertEquals("1.0", series(metrics, "ebpf_exporter_map_entries_truncated", map.id()), metrics);
                        omitted++;
                    } else {
                        double v = Double.parseDouble(n);
                        assertTrue(v >= 50_000 && v <= 100_000, "count " + v + " outside what existed");
                        counted++;
                    }
                }
            } finally {
                deleter.join(); // the deleter finishes its pass: every even key goes
            }
            assertEquals(20, counted + omitted);
            assertEquals("50000.0", series(Scrapes.text(collector), "ebpf_map_entries", map.id()), "exact once quiet");
        }
    }

    @Test
    void theKernelCountAndBatchIterationAgree() {
        try (Fixtures fx = new Fixtures()) {
            var map = fx.map(Fixtures.MAP_LRU_PERCPU_HASH, 4, 8, 5000, 0, "c_agree");
            fx.fill(map, 4321);
            String kernel = series(Scrapes.text(collector(Map.of("count_entries", "true"))), "ebpf_map_entries", map.id());
            String batch = series(Scrapes.text(collector(Map.of("count_entries", "true", "count_entries_iterator", "false"))),
                    "ebpf_map_entries", map.id());
            assertEquals("4321.0", kernel);
            assertEquals(kernel, batch);
            String tight = Scrapes.text(collector(Map.of("count_entries", "true", "count_entries_budget", "1ns")));
            if (KernelFeatures.kfunc("bpf_map_sum_elem_count")) {
                assertEquals("4321.0", series(tight, "ebpf_map_entries", map.id()), "the kernel's count needs no per-map budget");
            } else { // before 6.6 every map is counted by batch lookup, within the budget
                KernelFeatures.missing("kfunc bpf_map_sum_elem_count", "6.6");
                assertEquals(null, series(tight, "ebpf_map_entries", map.id()));
                assertEquals("1.0", series(tight, "ebpf_exporter_map_entries_truncated", map.id()));
            }
        }
    }

    @Test
    void aBudgetTooSmallOmitsTheCountAndSaysSo() {
        try (Fixtures fx = new Fixtures()) {
            var map = fx.map(Fixtures.MAP_HASH, 4, 8, 100_000, 0, "c_budget");
            fx.fill(map, 100_000);
            String metrics = Scrapes.text(collector(Map.of("count_entries", "true",
                    "count_entries_iterator", "false", "count_entries_budget", "1ns")));
            assertEquals(null, series(metrics, "ebpf_map_entries", map.id()));
            assertEquals("1.0", series(metrics, "ebpf_exporter_map_entries_truncated", map.id()));
        }
    }

    @Test
    void badSettingsNameTheKey() {
        var e = assertThrows(IllegalArgumentException.class, () -> collector(Map.of("count_entries_budget", "-1s")));
        assertTrue(e.getMessage().startsWith("collectors.maps.count_entries_budget"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> collector(Map.of("count_entries", "maybe")));
        assertTrue(e.getMessage().startsWith("collectors.maps.count_entries must be true or false"), e.getMessage());
    }
}
