package io.ebpfexporter.server;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.LinkRecipes;
import io.ebpfexporter.testkit.Recording;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records the golden files (run as root by server/record-golden.sh): makes one real object of each
 * kind this kernel allows, scrapes them through a {@link Recording} of the kernel that shows only
 * objects made after it started, saves the recording and the host files the collectors read, replays
 * the recording and checks it gives the live exposition, then writes that as the golden files.
 */
public final class GoldenRecorder {
    private static final List<ObjectKind<?>> KINDS = List.of(ObjectKind.PROGRAMS, ObjectKind.MAPS, ObjectKind.LINKS,
            ObjectKind.BTFS);
    private static final int BPF_STATS_RUN_TIME = 0;

    private GoldenRecorder() {
    }

    public static void main(String[] args) throws Exception {
        Map<ObjectKind<?>, Integer> before = new HashMap<>();
        ObjectSource.Reader kernel = ObjectSource.KERNEL.reader();
        for (ObjectKind<?> kind : KINDS) {
            int last = 0;
            for (int id = kernel.nextId(kind, 0); id != 0; id = kernel.nextId(kind, id)) {
                last = id;
            }
            before.put(kind, last);
        }
        Recording recording = Recording.of((kind, id) -> Integer.compareUnsigned(id, before.get(kind)) > 0);
        int stats = new Bpf().enableStats(BPF_STATS_RUN_TIME);
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            makeObjects(fx, new LinkRecipes(fx, host), host);
            copyHostFiles();
            Map<Naming, String> live = new HashMap<>();
            for (Naming naming : Naming.values()) {
                live.put(naming, GoldenExposition.of(recording.source(), naming));
            }
            recording.save(GoldenExposition.RECORDING, "objects made by GoldenRecorder on Linux "
                    + Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
            for (Naming naming : Naming.values()) {
                String replayed = GoldenExposition.of(Recording.replay(GoldenExposition.RECORDING), naming);
                if (!replayed.equals(live.get(naming))) {
                    throw new IllegalStateException(naming + ": the replay differs from the live scrape");
                }
                Files.writeString(GoldenExposition.expected(naming), replayed);
            }
        } finally {
            Bpf.close(stats);
        }
        System.out.println("golden files written to " + GoldenExposition.DIR);
    }

    private static void makeObjects(Fixtures fx, LinkRecipes kit, HostSetup host) throws IOException {
        var hash = fx.map(Fixtures.MAP_HASH, 4, 8, 64, 0, "gold_hash");
        fx.fill(hash, 10);
        fx.freeze(fx.map(Fixtures.MAP_ARRAY, 4, 8, 16, 0, "gold_array"));
        fx.map(Fixtures.MAP_PERCPU_HASH, 4, 8, 32, 0, "gold_pcpu");
        fx.map(Fixtures.MAP_LRU_HASH, 8, 16, 128, 0, "gold_lru");
        fx.map(Fixtures.MAP_RINGBUF, 0, 0, 4096, 0, "gold_ringbuf");
        fx.testRun(fx.programUsing(hash, "gold_uses_map"), 100);
        fx.program(Fixtures.PROG_XDP, "gold_xdp", Fixtures.ATTACH_XDP, 2);
        fx.program(Fixtures.PROG_SCHED_CLS, "gold_cls", 0, -1);
        fx.tinyBtf();
        String netns = host.netns();
        int ifindex = HostSetup.ifindex(host.veth(netns));
        Path probe = host.probeTarget();
        kit.rawTracepoint();
        kit.cgroup(host.cgroup());
        kit.iter();
        kit.flowDissector(netns);
        kit.xdp(ifindex);
        kit.tracepointPerfEvent();
        kit.uprobePerfEvent(probe);
        kit.netfilter();
        kit.tcx(ifindex);
        kit.uprobeMulti(probe, (int) ProcessHandle.current().pid());
        kit.sockmap(kit.sockmapMap());
        kit.structOps("gold_cc");
    }

    /** The host files the collectors read, copied under the golden root; program stats counted (sysctl 1). */
    private static void copyHostFiles() throws IOException {
        Path root = GoldenExposition.ROOT;
        write(root.resolve("proc/uptime"), Files.readString(Path.of("/proc/uptime")));
        write(root.resolve("proc/sys/kernel/bpf_stats_enabled"), "1\n");
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(Path.of("/sys/class/net"))) {
            for (Path device : devices) {
                write(root.resolve("sys/class/net").resolve(device.getFileName().toString()).resolve("ifindex"),
                        Files.readString(device.resolve("ifindex")));
            }
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
