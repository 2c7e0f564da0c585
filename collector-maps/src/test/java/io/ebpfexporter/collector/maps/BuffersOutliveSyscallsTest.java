package io.ebpfexporter.collector.maps;

import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Regression: a buffer known to the kernel only by its address was once freed by the garbage
 * collector mid-syscall (BPF_MAP_UPDATE_BATCH failed with EFAULT). Syscalls under constant GC
 * pressure must all succeed.
 */
class BuffersOutliveSyscallsTest {

    @Test
    void batchSyscallsSucceedWhileTheCollectorRuns() throws Exception {
        Kernel.requireBpf();
        AtomicBoolean done = new AtomicBoolean();
        Thread gc = Thread.ofPlatform().daemon().start(() -> {
            while (!done.get()) {
                System.gc();
            }
        });
        try (Fixtures fx = new Fixtures()) {
            var map = fx.map(Fixtures.MAP_HASH, 4, 8, 1000, 0, "gc_pressure");
            for (int round = 0; round < 300; round++) {
                fx.fill(map, 1000);
            }
            int[] entries = new int[1];
            ObjectWalk.forEach(ObjectSource.KERNEL, ObjectKind.MAPS, m -> {
                if (m.info().id() == map.id()) {
                    for (int i = 0; i < 50; i++) {
                        entries[0] = (int) MapEntries.count(m, java.time.Duration.ofSeconds(5)).entries();
                    }
                }
            });
            assertEquals(1000, entries[0]);
        } finally {
            done.set(true);
            gc.join();
        }
    }
}
