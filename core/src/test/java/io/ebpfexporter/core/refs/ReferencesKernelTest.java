package io.ebpfexporter.core.refs;

import io.ebpfexporter.core.iter.TaskFileIterator;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.MountPoints;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.testkit.AwkwardPins;
import io.ebpfexporter.testkit.Bpftool;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HolderProcess;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.OpenFds;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Owners from /proc and pins from bpffs, against real processes, objects and mounts. */
class ReferencesKernelTest {
    private static List<Integer> pids(List<ObjectOwners.Owner> owners) {
        return owners.stream().map(ObjectOwners.Owner::pid).toList();
    }

    @Test
    void holdersAndAnHeirAreOwnersUntilTheHeirEnds() throws Exception {
        Kernel.requireBpf();
        try (HolderProcess holder = new HolderProcess(10_000)) {
            long start = System.nanoTime();
            ObjectOwners owners = ObjectOwners.scan(Host.LIVE);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertFalse(owners.truncated(), "a scan past " + holder.extraFds() + " fds of one process within its budget: "
                    + ms + " ms");
            assertEquals(List.of(new ObjectOwners.Owner(holder.pid(), "tn_holder"),
                    new ObjectOwners.Owner(holder.heirPid(), "tn_heir")), owners.of(ObjectKind.MAPS, holder.mapId()));
            assertEquals(List.of(holder.pid()), pids(owners.of(ObjectKind.PROGRAMS, holder.progId())));
            assertEquals(List.of(holder.pid()), pids(owners.of(ObjectKind.LINKS, holder.linkId())));
            String bpftool = Bpftool.show("map", holder.mapId());
            if (bpftool.contains("\"pids\"")) { // Debian's bpftool shows pids where it was built with skeletons
                assertTrue(bpftool.contains("\"pid\":" + holder.pid()) && bpftool.contains("\"pid\":" + holder.heirPid()),
                        bpftool);
            }
            holder.endHeir();
            assertEquals(List.of(holder.pid()), pids(ObjectOwners.scan(Host.LIVE).of(ObjectKind.MAPS, holder.mapId())),
                    "the heir's series goes with it");
        }
    }

    /** The task_file iterator, where this kernel runs it, finds what /proc shows, and nothing less. */
    @Test
    void theIteratorFindsWhatProcShows() throws Exception {
        Kernel.requireBpf();
        var plan = TaskFileIterator.plan();
        if (plan.isEmpty()) {
            System.out.println("ReferencesKernelTest: this kernel's BTF lacks what the task_file iterator needs;"
                    + " owners come from /proc");
            return;
        }
        try (HolderProcess holder = new HolderProcess(100)) {
            List<TaskFileIterator.Held> held = TaskFileIterator.read(plan.get());
            ObjectOwners proc = ObjectOwners.scanProc(Host.LIVE);
            Map<ObjectKind<?>, Integer> ids = Map.of(ObjectKind.MAPS, holder.mapId(), ObjectKind.PROGRAMS, holder.progId(),
                    ObjectKind.LINKS, holder.linkId());
            for (ObjectKind<?> kind : ids.keySet()) {
                int id = ids.get(kind);
                List<Integer> fromIterator = held.stream().filter(h -> h.kind() == kind && h.id() == id)
                        .map(TaskFileIterator.Held::tgid).distinct().sorted().toList();
                assertEquals(pids(proc.of(kind, id)), fromIterator, kind + " " + id);
            }
        }
    }

    /** A comm holding a quote, a backslash, a newline and an invalid UTF-8 byte is its label value, from either scan. */
    @Test
    void anAwkwardCommIsItsLabelValue() throws Exception {
        Kernel.requireBpf();
        byte[] comm = {'t', 'n', '"', '\\', '\n', (byte) 0xff, 'x'};
        try (HolderProcess holder = new HolderProcess(0, comm)) {
            var expected = List.of(new ObjectOwners.Owner(holder.pid(), "tn\"\\\\\n\\xffx"),
                    new ObjectOwners.Owner(holder.heirPid(), "tn_heir"));
            assertEquals(expected, ObjectOwners.scan(Host.LIVE).of(ObjectKind.MAPS, holder.mapId()));
            assertEquals(expected, ObjectOwners.scanProc(Host.LIVE).of(ObjectKind.MAPS, holder.mapId()));
        }
    }

    @Test
    void theExportersOwnFdsAreNeverOwners() {
        Kernel.requireBpf();
        try (Fixtures fx = new Fixtures()) {
            var map = fx.map(Fixtures.MAP_HASH, 4, 8, 4, 0, "tn_own");
            assertEquals(List.of(), ObjectOwners.scan(Host.LIVE).of(ObjectKind.MAPS, map.id()));
        }
    }

    @Test
    void pinsUnderAFreshBpffsAndSysFsBpfAppearAndGoWhenUnpinned() throws Exception {
        Kernel.requireBpf();
        Path mount = Files.createTempDirectory("bpffs");
        Path sysPin = Path.of("/sys/fs/bpf/tn_pin_" + ProcessHandle.current().pid());
        HostSetup.run("mount", "-t", "bpf", "bpf", mount.toString());
        try (Fixtures fx = new Fixtures()) {
            Files.createDirectories(mount.resolve("deep/er"));
            var map = fx.map(Fixtures.MAP_HASH, 4, 8, 4, 0, "tn_pinned");
            var prog = fx.program(Fixtures.PROG_SOCKET_FILTER, "tn_pinned");
            Path mapPin = mount.resolve("deep/er/tn_map");
            fx.pin(map, mapPin.toString());
            fx.pin(prog, mount.resolve("tn_prog").toString());
            boolean sysfs = Files.isDirectory(sysPin.getParent()) && MountPoints.of(Host.LIVE, "bpf").stream().anyMatch(m -> Arrays.equals(m, ascii("/sys/fs/bpf")));
            if (sysfs) {
                fx.pin(map, sysPin.toString());
            } else {
                System.out.println("ReferencesKernelTest: no bpffs at /sys/fs/bpf here; pinned under " + mount + " only");
            }
            PinnedObjects pins = PinnedObjects.scan(Host.LIVE);
            List<String> expected = sysfs ? List.of(sysPin.toString(), mapPin.toString()) : List.of(mapPin.toString());
            assertEquals(expected.stream().sorted().toList(), pins.of(ObjectKind.MAPS, map.id()));
            assertEquals(List.of(mount.resolve("tn_prog").toString()), pins.of(ObjectKind.PROGRAMS, prog.id()));
            Files.delete(mapPin);
            Files.deleteIfExists(sysPin);
            assertEquals(List.of(), PinnedObjects.scan(Host.LIVE).of(ObjectKind.MAPS, map.id()), "unpinned");
        } finally {
            Files.deleteIfExists(sysPin);
            HostSetup.run("umount", mount.toString());
            Files.delete(mount);
        }
    }

    /**
     * Pins under every awkward class of name, in directories of such names and below a chain past
     * PATH_MAX: each shows at the label value its bytes encode to.
     */
    @Test
    void pinsUnderAwkwardNamesAppearAtTheirEncodedPaths() throws Exception {
        Kernel.requireBpf();
        try (AwkwardPins awkward = new AwkwardPins()) {
            List<String> fdsBefore = walkedFds();
            PinnedObjects pins = PinnedObjects.scan(Host.LIVE);
            awkward.paths().forEach((id, path) -> assertEquals(List.of(path), pins.of(ObjectKind.MAPS, id)));
            assertEquals(2 * AwkwardPins.NAMES.size() + 1, awkward.paths().size());
            assertEquals(Optional.empty(), pins.problem());
            assertEquals(fdsBefore, walkedFds(), "the walk closes every directory and pin it opens");
        }
    }

    /** This process's fds of directories under /tmp (the awkward bpffs among them) and of BPF objects. */
    private static List<String> walkedFds() throws Exception {
        return OpenFds.targets("self").stream().filter(t -> t.startsWith("/tmp/") || t.startsWith("anon_inode:bpf")).toList();
    }

    /** Mount points as bytes, octal escapes decoded: a space, a backslash, a non-ASCII and an invalid byte. */
    @Test
    void mountinfoLinesOfTypeBpfAreTheMounts() {
        assertEquals(1, MountPoints.parse("1 2 0:3 / /sys/fs/cgroup/unified rw - cgroup2 none rw\n".getBytes(
                StandardCharsets.ISO_8859_1), "cgroup2").size(), "another type, asked for by name");
        String lines = String.join("\n",
                "36 25 0:32 / /sys/fs/bpf rw,nosuid,nodev,noexec,relatime shared:14 - bpf bpf rw,mode=700",
                "40 25 0:33 / /run/with\\040space\\134 rw,relatime - bpf none rw",
                "41 25 0:34 / /run/caf\303\251\\377 rw,relatime - bpf none rw",
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw") + "\n";
        List<byte[]> mounts = MountPoints.parse(lines.getBytes(StandardCharsets.ISO_8859_1), "bpf");
        assertEquals(3, mounts.size());
        assertArrayEquals(ascii("/sys/fs/bpf"), mounts.get(0));
        assertArrayEquals(ascii("/run/with space\\"), mounts.get(1));
        assertArrayEquals(new byte[] {'/', 'r', 'u', 'n', '/', 'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9, (byte) 0xff},
                mounts.get(2));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
