package io.ebpfexporter.collector.maps;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.BpfProgInfo;
import io.ebpfexporter.core.bpf.Command;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.info.ProgInfo;
import io.ebpfexporter.core.kernel.KernelNames;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-pass kernel count against batch iteration, and the iterator hidden from every walk. */
class MapElemCountsTest {

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
        KernelFeatures.require(KernelFeatures.kfunc("bpf_map_sum_elem_count"), "kfunc bpf_map_sum_elem_count", "6.6");
    }

    @Test
    void iteratorCountsEqualBatchCountsForTheHashFamily() {
        try (Fixtures fx = new Fixtures()) {
            var hash = fx.map(Fixtures.MAP_HASH, 4, 8, 2000, 0, "ec_hash");
            var noPrealloc = fx.map(Fixtures.MAP_HASH, 4, 8, 1000, 1, "ec_noprealloc");
            var percpu = fx.map(Fixtures.MAP_PERCPU_HASH, 4, 8, 1000, 0, "ec_percpu");
            var lru = fx.map(Fixtures.MAP_LRU_HASH, 4, 8, 1000, 0, "ec_lru");
            var lruPercpu = fx.map(Fixtures.MAP_LRU_PERCPU_HASH, 4, 8, 1000, 0, "ec_lrupcpu");
            fx.fill(hash, 1234);
            fx.delete(hash, 7);
            fx.fill(noPrealloc, 500);
            fx.fill(percpu, 300);
            fx.fill(lru, 200);
            fx.fill(lruPercpu, 100);
            Map<Integer, Long> kernel = MapElemCounts.read().orElseThrow();
            Map<Integer, Long> batch = new HashMap<>();
            ObjectWalk.forEach(ObjectSource.KERNEL, ObjectKind.MAPS, map -> {
                if (map.info().name().startsWith("ec_")) {
                    batch.put(map.info().id(), MapEntries.count(map, Duration.ofSeconds(10)).entries());
                }
            });
            assertEquals(5, batch.size());
            batch.forEach((id, n) -> assertEquals(n, kernel.get(id), "map " + id));
            assertEquals(1233L, kernel.get(hash.id()));
        }
    }

    /** The name of program {@code id} (opened by id, as the walk would), or "" when it is gone. */
    private static String programName(int id) {
        Bpf bpf = new Bpf();
        int fd;
        try {
            fd = bpf.fdById(Command.PROG_GET_FD_BY_ID, id, 0);
        } catch (BpfException e) {
            return "";
        }
        try {
            NativeBuffer info = new NativeBuffer(BpfProgInfo.SIZE);
            return ProgInfo.decode(info.view(), bpf.objInfo(fd, info, info.size()), ByteBuffer.allocate(0)).name();
        } finally {
            Bpf.close(fd);
        }
    }

    @Test
    void theCountingProgramAndLinkNeverShowInAWalk() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger passes = new AtomicInteger();
        Thread counter = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                MapElemCounts.read().orElseThrow();
                passes.incrementAndGet();
            }
        });
        try {
            int walks = 0;
            while (passes.get() < 200 && counter.isAlive()) {
                ObjectWalk.forEach(ObjectSource.KERNEL, ObjectKind.PROGRAMS, p ->
                        assertFalse(p.info().name().equals("ebpf_exp_count"), "own program listed: " + p.info().id() + " after " + passes.get()));
                ObjectWalk.forEach(ObjectSource.KERNEL, ObjectKind.LINKS, l -> { // other processes may hold iter links
                    if (l.info().typeName(KernelNames.STANDARD).equals("iter")) {
                        assertFalse(programName(l.info().progId()).equals("ebpf_exp_count"), "own iterator link listed");
                    }
                });
                walks++;
            }
            assertEquals(200, Math.min(200, passes.get()), "the counting thread kept counting");
            assertTrue(walks > 10, walks + " walks raced " + passes.get() + " counting passes");
        } finally {
            done.set(true);
            counter.join();
        }
    }
}
