package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.walk.Host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The cgroup2 hierarchy: where it is mounted (from mountinfo) and every cgroup in it, parents before
 * children. A cgroup directory holds tens of interface files besides its child cgroups, so telling them
 * apart by a stat each would cost most of the walk: a directory's link count (2 + its subdirectories,
 * as kernfs keeps it) says whether it has children at all and how many to look for, and names that are
 * not controller files are stat'ed first.
 */
final class CgroupTree {
    /** The prefixes of cgroup2 interface files ({@code <controller>.<name>}, {@code cgroup.<name>}). */
    private static final Set<String> FILE_PREFIXES = Set.of("cgroup", "cpu", "cpuset", "io", "memory", "pids",
            "rdma", "hugetlb", "misc", "irq", "dmem", "perf_event", "freezer", "net_cls", "net_prio");

    private CgroupTree() {
    }

    /** The cgroup2 mount point, from the first cgroup2 line of {@code /proc/self/mountinfo}. */
    static Optional<Path> root(Host host) {
        List<String> lines;
        try {
            lines = Files.readAllLines(host.path("/proc/self/mountinfo"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines) {
            int separator = line.indexOf(" - ");
            String[] fields = line.split(" ");
            if (separator > 0 && fields.length > 4 && line.substring(separator + 3).startsWith("cgroup2 ")) {
                return Optional.of(host.path(unescape(fields[4])));
            }
        }
        return Optional.empty();
    }

    /** mountinfo writes space, tab, newline and backslash in paths as octal escapes. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Visits {@code root} and every cgroup under it, parents first; one removed while walked is skipped. */
    static void walk(Path root, Consumer<Path> visit) {
        List<Path> pending = new ArrayList<>(List.of(root));
        while (!pending.isEmpty()) {
            Path dir = pending.remove(pending.size() - 1);
            visit.accept(dir);
            pending.addAll(children(dir).reversed());
        }
    }

    private static List<Path> children(Path dir) {
        int expected;
        try {
            expected = ((Number) Files.getAttribute(dir, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue() - 2;
        } catch (IOException | UnsupportedOperationException e) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        if (expected <= 0) {
            return found;
        }
        List<Path> fileLike = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                int dot = name.indexOf('.');
                if (dot > 0 && FILE_PREFIXES.contains(name.substring(0, dot))) {
                    fileLike.add(entry);
                } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    found.add(entry);
                }
            }
        } catch (IOException e) {
            return found; // removed while listed
        }
        for (int i = 0; i < fileLike.size() && found.size() < expected; i++) {
            if (Files.isDirectory(fileLike.get(i), LinkOption.NOFOLLOW_LINKS)) {
                found.add(fileLike.get(i));
            }
        }
        found.sort(null);
        return found;
    }
}
