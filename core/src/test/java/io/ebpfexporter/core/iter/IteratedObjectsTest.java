package io.ebpfexporter.core.iter;

import io.ebpfexporter.core.info.LinkInfo;
import io.ebpfexporter.core.info.MapInfo;
import io.ebpfexporter.core.info.ProgInfo;
import io.ebpfexporter.core.iter.IteratedObjects;
import io.ebpfexporter.core.walk.KeptResults;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.core.walk.OwnObjects;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.LinkRecipes;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The iterator source against the syscall walk on the running kernel: every fixture program, map and
 * link reads the same through both, wherever the iterator can read a field; the exporter's own iterator
 * programs never appear; an object closed between two walks is gone from the second; a collector's walk
 * reads again only the objects whose record changed; closing the source gives back every fd.
 */
class IteratedObjectsTest {

    private static <T> Map<Integer, T> walk(ObjectSource source, ObjectKind<T> kind, java.util.function.ToIntFunction<T> id) {
        Map<Integer, T> out = new HashMap<>();
        ObjectWalk.forEach(source, kind, o -> out.put(id.applyAsInt(o.info()), o.info()));
        return out;
    }

    private static <T> Map<Integer, String> fdinfo(ObjectSource source, ObjectKind<T> kind, java.util.function.ToIntFunction<T> id,
                                                   String key) {
        Map<Integer, String> out = new HashMap<>();
        ObjectWalk.forEach(source, kind, o -> out.put(id.applyAsInt(o.info()), Long.toString(o.fdinfo().number(key))));
        return out;
    }

    /** What a collector's reader makes of a map: a new object each time it is called. */
    private record MapRead(MapInfo info, long frozen) {
    }

    /** A collector's walks, each given the results the last one kept. */
    private static final class CollectorWalks {
        private final ObjectSource source;
        private KeptResults last = KeptResults.NONE;

        CollectorWalks(ObjectSource source) {
            this.source = source;
        }

        Map<Integer, MapRead> walk() {
            Map<Integer, MapRead> out = new HashMap<>();
            last = ObjectWalk.forEach(source, ObjectKind.MAPS, o -> new MapRead(o.info(), o.fdinfo().number("frozen")),
                    r -> out.put(r.info().id(), r), 2, last, () -> false);
            return out;
        }
    }

    @Test
    void aCollectorsWalkReadsAgainOnlyTheObjectsWhoseRecordChanged() throws Exception {
        Kernel.requireBpf();
        KernelFeatures.require(KernelFeatures.member("bpf_iter__bpf_map", "map"), "iter/bpf_map", "5.8");
        int fdsBefore = Kernel.openFds();
        try (Fixtures fx = new Fixtures(); IteratedObjects iterated = IteratedObjects.forThisKernel()) {
            Fixtures.Made same = fx.map(Fixtures.MAP_HASH, 4, 8, 64, 0, "kr_same");
            Fixtures.Made thawed = fx.map(Fixtures.MAP_ARRAY, 4, 4, 2, 0, "kr_thawed");
            CollectorWalks walks = new CollectorWalks(iterated);
            Map<Integer, MapRead> first = walks.walk();
            assertEquals(0, first.get(thawed.id()).frozen());

            fx.freeze(thawed);
            Fixtures.Made late = fx.map(Fixtures.MAP_HASH, 4, 4, 8, 0, "kr_late");
            Map<Integer, MapRead> second = walks.walk();
            assertSame(first.get(same.id()), second.get(same.id()), "an unchanged map's last result, not read again");
            assertEquals(1, second.get(thawed.id()).frozen(), "a map frozen since is read again");
            assertEquals("kr_late", second.get(late.id()).info().name(), "a map made since is read");

            fx.close(same);
            long deadline = System.nanoTime() + 5_000_000_000L; // the kernel frees a closed map's id soon after
            while (walks.walk().containsKey(same.id()) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            Map<Integer, MapRead> third = walks.walk();
            assertFalse(third.containsKey(same.id()), "gone once closed");
            assertSame(second.get(late.id()), third.get(late.id()));
        }
        assertEquals(fdsBefore, Kernel.openFds(), "the kept iterator programs and links closed with the source");
    }

    @Test
    void programsMapsAndLinksReadAsTheSyscallsReadThem() {
        Kernel.requireBpf();
        KernelFeatures.require(KernelFeatures.member("bpf_iter__bpf_prog", "prog"), "iter/bpf_prog", "5.9");
        try (Fixtures fx = new Fixtures(); IteratedObjects iterated = IteratedObjects.forThisKernel()) {
            assertEquals(Map.of(), iterated.check(), "every iterator this kernel has loads and runs");
            Fixtures.Made map = fx.map(Fixtures.MAP_HASH, 4, 8, 64, 0, "it_map");
            Fixtures.Made prog = fx.programUsing(map, "it_prog_with_a_long_name");
            Fixtures.Made frozen = fx.map(Fixtures.MAP_ARRAY, 4, 4, 2, 0, "it_frozen");
            fx.freeze(frozen);
            Fixtures.Made linked = fx.program(LinkRecipes.PROG_RAW_TRACEPOINT, "it_link_prog");
            Fixtures.Made link = fx.rawTracepoint(linked, "sched_process_exec");

            Map<Integer, ProgInfo> progs = walk(iterated, ObjectKind.PROGRAMS, ProgInfo::id);
            ProgInfo expected = walk(ObjectSource.KERNEL, ObjectKind.PROGRAMS, ProgInfo::id).get(prog.id());
            ProgInfo actual = progs.get(prog.id());
            assertEquals(new ProgInfo(expected.type(), expected.id(), expected.tag(), expected.jitedProgLen(),
                    expected.xlatedProgLen(), expected.loadTimeNs(), expected.createdByUid(), expected.name(), expected.btfId(),
                    -1, -1, -1, expected.verifiedInsns(), expected.mapIds()), actual, "run statistics are absent, the rest equal");
            assertEquals(List.of(map.id()), actual.mapIds());
            assertEquals(fdinfo(ObjectSource.KERNEL, ObjectKind.PROGRAMS, ProgInfo::id, "memlock").get(prog.id()),
                    fdinfo(iterated, ObjectKind.PROGRAMS, ProgInfo::id, "memlock").get(prog.id()), "memlock from pages");
            for (int own : progs.keySet()) {
                assertFalse(OwnObjects.isOwn(ObjectKind.PROGRAMS, own), "the listing iterator itself is hidden");
            }

            Map<Integer, MapInfo> maps = walk(iterated, ObjectKind.MAPS, MapInfo::id);
            Map<Integer, MapInfo> kernelMaps = walk(ObjectSource.KERNEL, ObjectKind.MAPS, MapInfo::id);
            assertEquals(kernelMaps.get(map.id()), maps.get(map.id()));
            assertEquals(kernelMaps.get(frozen.id()), maps.get(frozen.id()));
            assertEquals("1", fdinfo(iterated, ObjectKind.MAPS, MapInfo::id, "frozen").get(frozen.id()));
            assertEquals("0", fdinfo(iterated, ObjectKind.MAPS, MapInfo::id, "frozen").get(map.id()));
            assertEquals("-1", fdinfo(iterated, ObjectKind.MAPS, MapInfo::id, "memlock").get(map.id()), "no map memlock");

            if (iterated.unavailable().containsKey(ObjectKind.LINKS)) {
                KernelFeatures.missing("iter/bpf_link: " + iterated.unavailable().get(ObjectKind.LINKS), "5.19");
            } else {
                LinkInfo l = walk(iterated, ObjectKind.LINKS, LinkInfo::id).get(link.id());
                LinkInfo k = walk(ObjectSource.KERNEL, ObjectKind.LINKS, LinkInfo::id).get(link.id());
                assertEquals(List.of(k.id(), k.type(), k.progId()), List.of(l.id(), l.type(), l.progId()));
                assertFalse(l.detailed(), "an iterator reads no link details");
                assertTrue(k.detailed());
            }

            fx.close(map);
            fx.close(prog);
            long deadline = System.nanoTime() + 5_000_000_000L; // the kernel frees a closed program's id soon after
            while (walk(iterated, ObjectKind.PROGRAMS, ProgInfo::id).containsKey(prog.id()) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertFalse(walk(iterated, ObjectKind.PROGRAMS, ProgInfo::id).containsKey(prog.id()), "gone once closed");
            assertEquals(0, iterated.reader().nextId(ObjectKind.BTFS, 0), "no BTF iterator");
        }
    }
}
