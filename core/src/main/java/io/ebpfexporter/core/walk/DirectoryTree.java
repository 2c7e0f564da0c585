package io.ebpfexporter.core.walk;

import io.ebpfexporter.core.sys.Directory;
import io.ebpfexporter.core.sys.FileStatus;

import java.util.Arrays;
import java.util.List;

/**
 * A directory tree of the host walked by bytes: each directory is opened by its name relative to its
 * parent's fd (no call takes more than one name, however deep the tree; a symlink is never followed) and
 * listed with getdents64, so no name is decoded by the locale and none can hide a directory.
 */
public final class DirectoryTree {
    private DirectoryTree() {
    }

    /** One directory of a walk. */
    public interface Visitor {
        /**
         * The directory, open as {@code fd} (read-only, closed after the call), at {@code path} below the
         * walk's root ({@code ""} for the root itself, else {@code /a/b}), with its inode number.
         */
        void visit(int fd, byte[] path, long inode);
    }

    /**
     * Visits the directory {@code root} (an absolute path of {@code host}, as bytes) and every directory
     * below it down to {@code maxDepth} levels, parents first and siblings in byte order. A directory
     * removed or refused while walked is left out with what is below it. False when the root cannot be
     * opened. With {@code linksCountSubdirectories} (true of kernfs, so of cgroup2: a directory's link
     * count is 2 plus its subdirectories), a directory of 2 links is not listed: a leaf cgroup's dozens of
     * control files cost more to list than the rest of its visit.
     */
    public static boolean walk(Host host, byte[] root, int maxDepth, boolean linksCountSubdirectories, Visitor visitor) {
        try (Directory top = Directory.open(Directory.CWD, host.path(root))) {
            walk(top, new byte[0], 0, maxDepth, linksCountSubdirectories, visitor);
            return true;
        } catch (Directory.Failure e) {
            return false;
        }
    }

    private static void walk(Directory directory, byte[] path, int depth, int maxDepth, boolean linksCountSubdirectories,
                             Visitor visitor) {
        FileStatus status;
        List<Directory.Entry> children;
        try {
            status = directory.status();
            boolean leaf = depth >= maxDepth || linksCountSubdirectories && status.links() == 2;
            children = leaf ? List.of() : directory.subdirectories();
        } catch (Directory.Failure removedMeanwhile) {
            return;
        }
        visitor.visit(directory.fd(), path, status.inode());
        for (Directory.Entry child : children.stream().sorted((a, b) -> Arrays.compareUnsigned(a.name(), b.name())).toList()) {
            try (Directory sub = Directory.open(directory.fd(), child.name())) {
                walk(sub, Directory.join(path, child.name()), depth + 1, maxDepth, linksCountSubdirectories, visitor);
            } catch (Directory.Failure removedMeanwhile) {
                // skipped with what is below it
            }
        }
    }
}
