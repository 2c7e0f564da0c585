package io.ebpfexporter.core.refs;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectKind;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Where BPF objects are pinned: every bpffs mount in this process's {@code /proc/self/mountinfo} walked
 * (symlinks not followed, so no loops; at most {@link #MAX_DEPTH} deep and {@link #MAX_ENTRIES} entries
 * per scan; unreadable directories skipped, the first of them kept as the scan's {@link #problem()}), each
 * file opened read-only with BPF_OBJ_GET and identified by its fdinfo, as bpftool's {@code -f} does. Pins
 * seen through a bind mount appear under each path.
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

    /** Walks the bpffs mounts of {@code host}; none when the host is not this live one. */
    public static PinnedObjects scan(Host host) {
        if (!host.isLive()) {
            return NONE;
        }
        List<Path> mounts;
        try {
            mounts = mounts();
        } catch (IOException e) {
            return new PinnedObjects(Map.of(), false, "cannot read /proc/self/mountinfo (" + e + ")");
        }
        Map<BpfFd, TreeSet<String>> found = new HashMap<>();
        int[] entries = {0};
        String[] problem = {null};
        try (Bpf bpf = new Bpf()) {
            for (Path mount : mounts) {
                walkPins(bpf, mount, found, entries, problem);
            }
        }
        return new PinnedObjects(found, entries[0] > MAX_ENTRIES, problem[0]);
    }

    /**
     * Identifies the pins under one bpffs mount, counting the entries visited in {@code entries}; the
     * first refusal is kept in {@code problem}.
     */
    private static void walkPins(Bpf bpf, Path mount, Map<BpfFd, TreeSet<String>> found, int[] entries,
                                 String[] problem) {
        try {
            Files.walkFileTree(mount, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (++entries[0] > MAX_ENTRIES) {
                                return FileVisitResult.TERMINATE;
                            }
                            if (attrs.isRegularFile()) {
                                identify(bpf, file, problem).ifPresent(object ->
                                        found.computeIfAbsent(object, o -> new TreeSet<>()).add(file.toString()));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            if (e instanceof AccessDeniedException && problem[0] == null) {
                                problem[0] = refused(file);
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException | RuntimeException e) {
            // the mount went away, or a pin changed under the walk: the pins found so far stand
        }
    }

    /**
     * Why the pin walk cannot read this process's bpffs mounts, found by opening each: empty when it can
     * read them all (or none is mounted).
     */
    public static Optional<String> unreadable() {
        try {
            for (Path mount : mounts()) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(mount)) {
                    entries.iterator().hasNext();
                } catch (AccessDeniedException e) {
                    return Optional.of(refused(mount));
                } catch (IOException e) {
                    // unmounted meanwhile
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot read /proc/self/mountinfo (" + e + ")");
        }
    }

    private static String refused(Path directory) {
        return "cannot read " + directory + " (permission denied: it needs " + NEEDS + ")";
    }

    private static List<Path> mounts() throws IOException {
        return bpffsMounts(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    }

    /** The object pinned at {@code file}; a refusal (as opposed to no pin there) is kept in {@code problem}. */
    private static Optional<BpfFd> identify(Bpf bpf, Path file, String[] problem) {
        int fd;
        try {
            fd = bpf.objGet(file.toString(), BPF_F_RDONLY);
        } catch (BpfException e) {
            if ((e.errno() == Errno.EACCES || e.errno() == Errno.EPERM) && problem[0] == null) {
                problem[0] = "cannot open " + file + " (" + e.getMessage() + ")";
            }
            return Optional.empty(); // not a pin, or unpinned meanwhile
        }
        try {
            return BpfFd.read(Path.of("/proc/self/fd/" + fd), Path.of("/proc/self/fdinfo/" + fd));
        } finally {
            Bpf.close(fd);
        }
    }

    /** The mount points of type bpf in mountinfo lines (field 5; octal escapes such as \040 decoded). */
    static List<Path> bpffsMounts(List<String> mountinfo) {
        List<Path> mounts = new ArrayList<>();
        for (String line : mountinfo) {
            String[] fields = line.split(" ");
            int separator = Arrays.asList(fields).indexOf("-");
            if (fields.length > 4 && separator > 0 && separator + 1 < fields.length && fields[separator + 1].equals("bpf")) {
                mounts.add(Path.of(unescape(fields[4])));
            }
        }
        return mounts;
    }

    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
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
