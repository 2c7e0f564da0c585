package io.ebpfexporter.core.walk;

import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.StructView;
import io.ebpfexporter.core.info.BtfInfo;
import io.ebpfexporter.core.info.LinkInfo;
import io.ebpfexporter.core.info.MapInfo;
import io.ebpfexporter.core.info.ProgInfo;
import io.ebpfexporter.core.kernel.KernelNames;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The object walk against real kernel objects made by the fixture kit. */
class ObjectWalkKernelTest {

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
    }

    private static <T> Map<Integer, T> all(ObjectKind<T> kind, java.util.function.ToIntFunction<T> id) {
        Map<Integer, T> found = new HashMap<>();
        ObjectWalk.forEach(ObjectSource.KERNEL, kind, o -> found.put(id.applyAsInt(o.info()), o.info()));
        return found;
    }

    @Test
    void seesProgramsAndMapsWithTheirFieldsThenForgetsThemWhenClosed() {
        Fixtures.Made prog;
        Fixtures.Made map;
        try (Fixtures fx = new Fixtures()) {
            prog = fx.program(Fixtures.PROG_SOCKET_FILTER, "walk_prog");
            map = fx.map(Fixtures.MAP_HASH, 4, 8, 128, 0, "walk_map");

            ProgInfo p = all(ObjectKind.PROGRAMS, ProgInfo::id).get(prog.id());
            assertNotNull(p, "program " + prog.id() + " listed");
            assertEquals("socket_filter", p.typeName(KernelNames.STANDARD));
            assertEquals("walk_prog", p.name());
            assertEquals(16, p.tag().length());
            assertEquals(16, p.xlatedProgLen(), "two 8-byte instructions");
            if (KernelFeatures.member("bpf_prog_info", "verified_insns")) {
                assertEquals(2, p.verifiedInsns());
            } else {
                KernelFeatures.missing("bpf_prog_info.verified_insns", "5.16");
                assertEquals(StructView.ABSENT, p.verifiedInsns(), "absent, not 0");
            }

            MapInfo m = all(ObjectKind.MAPS, MapInfo::id).get(map.id());
            assertNotNull(m, "map " + map.id() + " listed");
            assertEquals("hash", m.typeName(KernelNames.STANDARD));
            assertEquals("walk_map", m.name());
            assertEquals(4, m.keySize());
            assertEquals(8, m.valueSize());
            assertEquals(128, m.maxEntries());
        }
        assertFalse(all(ObjectKind.PROGRAMS, ProgInfo::id).containsKey(prog.id()));
        assertFalse(all(ObjectKind.MAPS, MapInfo::id).containsKey(map.id()));
    }

    @Test
    void listsVmlinuxBtf() {
        KernelFeatures.require(KernelFeatures.namedBtf(), "kernel BTF objects with names (bpf_btf_info.kernel_btf)", "5.11");
        List<BtfInfo> kernelBtf = new ArrayList<>();
        ObjectWalk.forEach(ObjectSource.KERNEL, ObjectKind.BTFS, o -> {
            if (o.info().kernel()) {
                kernelBtf.add(o.info());
            }
        });
        assertTrue(kernelBtf.stream().anyMatch(b -> b.name().equals("vmlinux") && b.size() > 1_000_000), kernelBtf.toString());
    }

    @Test
    void closesEveryFdItOpens() {
        try (Fixtures fx = new Fixtures()) {
            for (int i = 0; i < 50; i++) {
                fx.map(Fixtures.MAP_ARRAY, 4, 4, 1, 0, "fd_check_" + i);
            }
            int before = Kernel.openFds();
            for (int round = 0; round < 5; round++) {
                all(ObjectKind.MAPS, MapInfo::id);
                all(ObjectKind.PROGRAMS, ProgInfo::id);
                all(ObjectKind.LINKS, LinkInfo::id);
                all(ObjectKind.BTFS, BtfInfo::id);
            }
            assertEquals(before, Kernel.openFds());
        }
    }

    @Test
    void readingOnSeveralThreadsGivesTheSameObjectsInIdOrderAndClosesEveryFd() {
        try (Fixtures fx = new Fixtures()) {
            List<Integer> made = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                made.add(fx.map(Fixtures.MAP_ARRAY, 4, 4, 1, 0, "par_" + i).id());
            }
            Set<Integer> ours = Set.copyOf(made);
            int before = Kernel.openFds();
            List<Integer> sequential = new ArrayList<>();
            ObjectWalk.forEach(ObjectSource.KERNEL, ObjectKind.MAPS, map -> sequential.add(map.info().id()));
            for (int threads : new int[] {2, 3, 8}) {
                List<Integer> parallel = new ArrayList<>();
                ObjectWalk.forEach(ObjectSource.KERNEL, ObjectKind.MAPS, map -> {
                    if (map.info().id() == made.get(1500)) {
                        throw new BpfException("BPF_TEST", Errno.EINVAL); // skips only that map
                    }
                    return map.info().id();
                }, parallel::add, threads);
                List<Integer> expected = new ArrayList<>(made); // ours only: other tests share the host
                expected.remove(made.get(1500));
                assertEquals(expected, parallel.stream().filter(ours::contains).toList(), threads + " threads");
            }
            assertEquals(made, sequential.stream().filter(ours::contains).toList(), "in id order");
            assertEquals(before, Kernel.openFds());
        }
    }

    @Test
    void aVisitorFailureSkipsOnlyThatObject() {
        try (Fixtures fx = new Fixtures()) {
            Fixtures.Made a = fx.map(Fixtures.MAP_ARRAY, 4, 4, 1, 0, "skip_a");
            Fixtures.Made b = fx.map(Fixtures.MAP_ARRAY, 4, 4, 1, 0, "skip_b");
            List<Integer> seen = new ArrayList<>();
            ObjectWalk.forEach(ObjectSource.KERNEL, ObjectKind.MAPS, o -> {
                if (o.info().id() == a.id()) {
                    throw new BpfException("BPF_TEST", Errno.EINVAL);
                }
                seen.add(o.info().id());
            });
            assertFalse(seen.contains(a.id()));
            assertTrue(seen.contains(b.id()));
        }
    }
}
