package io.ebpfexporter.core.sys;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.util.Arrays;

/**
 * Namespace files ({@code /proc/PID/ns/net}, bind mounts of them): a namespace's inode, which names it,
 * and setns(2), which moves the calling thread (only it) into one. Calls fail with a negative value and
 * leave errno for {@link Syscall#errno()}.
 */
public final class Namespaces {
    /** setns(2): a network namespace. */
    public static final int CLONE_NEWNET = 0x40000000;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_INO = 0x100;
    /** sizeof(struct statx), and the offset of stx_ino in it (the same on every architecture). */
    private static final int STATX_SIZE = 256;
    private static final int STX_INO = 32;

    static {
        Native.register(Namespaces.class, "libc.so.6");
    }

    private Namespaces() {
    }

    /** setns(2): 0, or negative on error. */
    public static native int setns(int fd, int nstype);

    private static native int statx(int dirFd, byte[] path, int flags, int mask, long buffer);

    /**
     * The inode of the file at NUL-less {@code path} relative to {@code dirFd} (symlinks followed, as a
     * namespace's magic link needs), or of {@code dirFd} itself for an empty path; negative errno on error.
     */
    public static long inode(int dirFd, byte[] path) {
        try (Memory statx = new Memory(STATX_SIZE)) {
            int flags = path.length == 0 ? AT_EMPTY_PATH : 0;
            if (statx(dirFd, Arrays.copyOf(path, path.length + 1), flags, STATX_INO, Pointer.nativeValue(statx)) < 0) {
                return -Syscall.errno();
            }
            return statx.getLong(STX_INO);
        }
    }

    /** open(2) of NUL-less {@code path} relative to {@code dirFd}, read-only and close-on-exec: the fd, or negative. */
    public static int open(int dirFd, byte[] path) {
        return Syscall.openat(dirFd, Arrays.copyOf(path, path.length + 1), 0x80000);
    }
}
