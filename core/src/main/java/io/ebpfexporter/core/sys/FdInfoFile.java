package io.ebpfexporter.core.sys;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.ebpfexporter.core.BpfException;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code /proc/self/fdinfo/<fd>} with exactly open, read until end, close, through native buffers
 * one thread reuses: a scrape reads it for every map and program on the host, and java.io's per-file
 * objects, path encoding and extra syscalls cost a third more than the read itself.
 */
public final class FdInfoFile {
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final byte[] PREFIX = "/proc/self/fdinfo/".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<FdInfoFile> PER_THREAD = ThreadLocal.withInitial(FdInfoFile::new);

    static {
        Native.register(FdInfoFile.class, Platform.C_LIBRARY_NAME);
    }

    private final NativeBuffer path = new NativeBuffer(PREFIX.length + 12);
    private final NativeBuffer text = new NativeBuffer(4096);

    private FdInfoFile() {
        path.memory().write(0, PREFIX, 0, PREFIX.length);
    }

    private static native int open(Pointer path, int flags);

    private static native long read(int fd, Pointer buffer, long size);

    private static native int close(int fd);

    /**
     * The file's bytes (at most 4 KiB, far above the ~300 the kernel writes), or an empty array when it
     * cannot be opened (no procfs); a failed read throws with the errno.
     */
    public static byte[] read(int fd) {
        return PER_THREAD.get().readFile(fd);
    }

    private byte[] readFile(int fd) {
        byte[] digits = (Integer.toString(fd) + '\0').getBytes(StandardCharsets.US_ASCII);
        path.memory().write(PREFIX.length, digits, 0, digits.length);
        int file = open(path.memory(), O_RDONLY_CLOEXEC);
        if (file < 0) {
            return new byte[0];
        }
        try {
            long length = 0;
            for (long n; length < text.size(); length += n) {
                n = read(file, text.memory().share(length), text.size() - length);
                if (n < 0) {
                    throw new BpfException("read fdinfo", Native.getLastError());
                }
                if (n == 0) {
                    break;
                }
            }
            byte[] out = new byte[(int) length];
            text.memory().read(0, out, 0, out.length);
            return out;
        } finally {
            close(file);
            Reference.reachabilityFence(this);
        }
    }
}
