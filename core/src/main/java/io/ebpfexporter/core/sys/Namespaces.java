package io.ebpfexporter.core.sys;

import com.sun.jna.Native;

import java.util.Arrays;

/**
 * Namespace files ({@code /proc/PID/ns/net}, bind mounts of them): a namespace's inode, which names it,
 * and setns(2), which moves the calling thread (only it) into one. Calls fail with a negative value and
 * leave errno for {@link Syscall#errno()}.
 */
public final class Namespaces {
    /** setns(2): a network namespace. */
    public static final int CLONE_NEWNET = 0x40000000;

    static {
        Native.register(Namespaces.class, "libc.so.6");
    }

    private Namespaces() {
    }

    /** setns(2): 0, or negative on error. */
    public static native int setns(int fd, int nstype);

    /**
     * The inode of the file at NUL-less {@code path} relative to {@code dirFd} (symlinks followed, as a
     * namespace's magic link needs), or of {@code dirFd} itself for an empty path; negative errno on error.
     */
    public static long inode(int dirFd, byte[] path) {
        try {
            return FileStatus.of(dirFd, path).inode();
        } catch (Directory.Failure e) {
            return -e.errno();
        }
    }

    /** open(2) of NUL-less {@code path} relative to {@code dirFd}, read-only and close-on-exec: the fd, or negative. */
    public static int open(int dirFd, byte[] path) {
        return Syscall.openat(dirFd, Arrays.copyOf(path, path.length + 1), Directory.O_CLOEXEC);
    }
}
