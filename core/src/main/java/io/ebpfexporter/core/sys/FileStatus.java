package io.ebpfexporter.core.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.util.Arrays;

/** What statx(2) says of a file that the exporter needs: its link count and inode number. */
public record FileStatus(long links, long inode) {
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_NLINK = 0x4;
    private static final int STATX_INO = 0x100;
    /** sizeof(struct statx) and the offsets of stx_nlink and stx_ino in it, the same on every architecture. */
    private static final int STATX_BYTES = 256;
    private static final int STX_NLINK = 16;
    private static final int STX_INO = 32;

    /**
     * The file at NUL-less {@code path} relative to {@code dirFd} (symlinks followed, as a namespace's magic
     * link needs), or {@code dirFd} itself for an empty path.
     */
    public static FileStatus of(int dirFd, byte[] path) throws Directory.Failure {
        try (Memory statx = new Memory(STATX_BYTES)) {
            int flags = path.length == 0 ? AT_EMPTY_PATH : 0;
            if (Syscall.statx(dirFd, Arrays.copyOf(path, path.length + 1), flags, STATX_NLINK | STATX_INO,
                    Pointer.nativeValue(statx)) < 0) {
                throw new Directory.Failure("statx", Syscall.errno());
            }
            return new FileStatus(Integer.toUnsignedLong(statx.getInt(STX_NLINK)), statx.getLong(STX_INO));
        }
    }
}
