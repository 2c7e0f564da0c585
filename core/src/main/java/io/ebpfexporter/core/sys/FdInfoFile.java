package io.ebpfexporter.core.sys;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.ebpfexporter.core.BpfException;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
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
        path.view().put(0, PREFIX);
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
        ByteBuffer name = path.view();
        int end = PREFIX.length;
        String digits = Integer.toString(fd);
        for (int i = 0; i < digits.length(); i++) {
            name.put(end++, (byte) digits.charAt(i));
        }
        name.put(end, (byte) 0);
        int file = open(path.memory(), O_RDONLY_CLOEXEC);
        if (file < 0) {
            return new byte[0];
        }
        try {
            // fdinfo is a seq_file: one read returns all of it when the buffer is large enough, so a
            // short read is the end and saves the read that would return 0
            long length = 0;
            while (length < text.size()) {
                long n = read(file, text.memory().share(length), text.size() - length);
                if (n < 0) {
                    throw new BpfException("read fdinfo", Native.getLastError());
                }
                length += n;
                if (n == 0 || length < text.size()) {
                    break;
                }
            }
            byte[] out = new byte[(int) length];
            text.view().get(0, out);
            return out;
        } finally {
            close(file);
            Reference.reachabilityFence(this);
        }
    }
}
