package io.ebpfexporter.core.refs;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.LabelValue;
import io.ebpfexporter.core.sys.Directory;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.MountPoints;
import io.ebpfexporter.core.walk.ObjectKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Where BPF objects are pinned: every bpffs mount in this process's {@code /proc/self/mountinfo} walked
 * by bytes, each directory opened relative to its parent's fd (so names are never decoded by the locale
 * and a tree deeper than PATH_MAX is walked like any other), symlinks not followed, at most
 * {@link #MAX_DEPTH} deep and {@link #MAX_ENTRIES} entries per scan; unreadable directories skipped, the
 * first of them kept as the scan's {@link #problem()}. Each pin is opened read-only with BPF_OBJ_GET
 * through {@code /proc/self/fd/<directory fd>/<name>}, a short path on every kernel, and identified by
 * its fdinfo, as bpftool's {@code -f} does. A path's label is its {@link LabelValue}. Pins seen through
 * a bind mount appear under each path.
 */
public final class PinnedObjects {
    static final int MAX_DEPTH = 16;
    public static final int MAX_ENTRIES = 10_000;
    private static final int BPF_F_RDONLY = 1 << 3;
    /** What reading a directory bpffs refuses takes. */
    static final String NEEDS = "root or CAP_DAC_READ_SEARCH";
    private static final PinnedObjects NONE = new PinnedObjects(Map.of(), false, null);

    private final Map<BpfFd, TreeSet<String>> paths;
    private final boolean truncated;
    private final String problem;

    private PinnedObjects(Map<BpfFd, TreeSet<String>> paths, boolean truncated, String problem) {
        this.paths = paths;
        this.truncated = truncated;
        this.problem = problem;
    }

    public static PinnedObjects none() {
        return NONE;
    }

    /**
     * Equal when both walks found the same paths for the same objects (and the same limit and refusal): a
     * scrape whose objects are unchanged may then repeat the pin series it made last time.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof PinnedObjects that && truncated == that.truncated && paths.equals(that.paths)
                && java.util.Objects.equals(problem, that.problem);
    }

    @Override
    public int hashCode() {
        return paths.size();
    }

    /** Walks the bpffs mounts of {@code host}; none when the host is not this live one. */
    public static PinnedObjects scan(Host host) {
        if (!host.isLive()) {
            return NONE;
        }
        List<byte[]> mounts;
        try {
            mounts = mounts();
        } catch (IOException e) {
            return new PinnedObjects(Map.of(), false, "cannot read /proc/self/mountinfo (" + e + ")");
        }
        try (Bpf bpf = new Bpf()) {
            Walk walk = new Walk(bpf);
            for (byte[] mount : mounts) {
                walk.mount(mount);
            }
            return new PinnedObjects(walk.found, walk.entries > MAX_ENTRIES, walk.problem);
        }
    }

    /** One scan's state: the pins found, the entries visited, the first refusal. */
    private static final class Walk {
        private final Bpf bpf;
        private final Map<BpfFd, TreeSet<String>> found = new HashMap<>();
        private int entries;
        private String problem;

        Walk(Bpf bpf) {
            this.bpf = bpf;
        }

        void mount(byte[] mount) {
            try (Directory root = Directory.open(Directory.CWD, mount)) {
                walk(root, mount, 0);
            } catch (Directory.Failure e) {
                refused(e, mount);
            }
        }

        /**
         * Identifies the pins in {@code directory} (at {@code path}, {@code depth} below its mount) and
         * below it. bpffs reports each entry's type; a symlink is left alone. An entry gone meanwhile is
         * skipped.
         */
        private void walk(Directory directory, byte[] path, int depth) {
            List<Directory.Entry> listed;
            try {
                listed = directory.entries(MAX_ENTRIES + 1 - entries);
            } catch (Directory.Failure e) {
                refused(e, path);
                return;
            }
            for (Directory.Entry entry : listed) {
                if (++entries > MAX_ENTRIES) {
                    return;
                }
                byte[] child = Directory.join(path, entry.name());
                if (entry.type() == Directory.DT_DIR && depth + 1 < MAX_DEPTH) {
                    try (Directory sub = Directory.open(directory.fd(), entry.name())) {
                        walk(sub, child, depth + 1);
                    } catch (Directory.Failure e) {
                        refused(e, child);
                    }
                } else if (entry.type() == Directory.DT_REG) {
                    identify(directory, entry.name(), child);
                }
            }
        }

        /** Keeps the first refusal to read a directory; any other failure is one gone meanwhile. */
        private void refused(Directory.Failure e, byte[] directory) {
            if (e.errno() == Errno.EACCES && problem == null) {
                problem = PinnedObjects.refused(directory);
            }
        }

        /** Adds the object pinned at {@code name} in {@code directory}; a refusal is kept as the problem. */
        private void identify(Directory directory, byte[] name, byte[] path) {
            int fd;
            try {
                fd = bpf.objGet(Directory.join(("/proc/self/fd/" + directory.fd()).getBytes(StandardCharsets.US_ASCII), name),
                        BPF_F_RDONLY);
            } catch (BpfException e) {
                if ((e.errno() == Errno.EACCES || e.errno() == Errno.EPERM) && problem == null) {
                    problem = "cannot open " + LabelValue.of(path) + " (" + e.getMessage() + ")";
                }
                return; // not a pin, or unpinned meanwhile
            }
            try {
                BpfFd.read(Path.of("/proc/self/fd/" + fd), Path.of("/proc/self/fdinfo/" + fd)).ifPresent(object ->
                        found.computeIfAbsent(object, o -> new TreeSet<>()).add(LabelValue.of(path)));
            } finally {
                Bpf.close(fd);
            }
        }
    }

    /**
     * Why the pin walk cannot read this process's bpffs mounts, found by opening each: empty when it can
     * read them all (or none is mounted).
     */
    public static Optional<String> unreadable() {
        try {
            for (byte[] mount : mounts()) {
                try (Directory directory = Directory.open(Directory.CWD, mount)) {
                    directory.entries(1);
                } catch (Directory.Failure e) {
                    if (e.errno() == Errno.EACCES) {
                        return Optional.of(refused(mount));
                    } // else unmounted meanwhile
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot read /proc/self/mountinfo (" + e + ")");
        }
    }

    private static String refused(byte[] directory) {
        return "cannot read " + LabelValue.of(directory) + " (permission denied: it needs " + NEEDS + ")";
    }

    private static List<byte[]> mounts() throws IOException {
        return MountPoints.of(Host.LIVE, "bpf");
    }

    /** Whether the walk found nothing pinned. */
    public boolean isEmpty() {
        return paths.isEmpty();
    }

    /** The first thing the walk was refused, if any: the pins under it are missing. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** The paths object {@code id} of {@code kind} is pinned at, sorted. */
    public List<String> of(ObjectKind<?> kind, int id) {
        TreeSet<String> set = paths.get(new BpfFd(kind, id));
        return set == null ? List.of() : List.copyOf(set);
    }

    /** Whether the walk stopped at {@link #MAX_ENTRIES}. */
    public boolean truncated() {
        return truncated;
    }
}
