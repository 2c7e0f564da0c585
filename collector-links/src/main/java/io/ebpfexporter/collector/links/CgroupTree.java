package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.walk.DirectoryTree;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.MountPoints;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The cgroup2 hierarchy: where it is mounted (from mountinfo) and every cgroup in it, parents before
 * children, walked by bytes ({@link DirectoryTree}): a cgroup's name is the bytes its creator chose.
 */
final class CgroupTree {
    /** How deep below the root the walk goes: each level holds one fd open while the walk is below it. */
    static final int MAX_DEPTH = 64;

    private CgroupTree() {
    }

    /** The cgroup2 mount point, the first in {@code /proc/self/mountinfo}. */
    static Optional<byte[]> root(Host host) {
        try {
            List<byte[]> mounts = MountPoints.of(host, "cgroup2");
            return mounts.isEmpty() ? Optional.empty() : Optional.of(mounts.get(0));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Visits the cgroup at {@code root} and every cgroup below it, parents first; one removed while walked is skipped. */
    static void walk(Host host, byte[] root, DirectoryTree.Visitor visit) {
        DirectoryTree.walk(host, root, MAX_DEPTH, true, visit); // cgroup2 is kernfs
    }
}
