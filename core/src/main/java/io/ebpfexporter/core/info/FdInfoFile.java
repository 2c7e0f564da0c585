package io.ebpfexporter.core.info;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.sys.Syscall;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code /proc/self/fdinfo/<fd>} with exactly open, one read and close, through native buffers
 * one reader reuses until it closes them: a scrape reads it for every map and program on the host, and
 * java.io's per-file objects, path encoding and extra syscalls cost a third more than the read itself.
 */
public final class FdInfoFile implements AutoCloseable {
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final byte[] PREFIX = "/proc/self/fdinfo/".getBytes(StandardCharsets.US_ASCII);

    private final NativeBuffer path = new NativeBuffer(PREFIX.length + 12);
    private final NativeBuffer text = new NativeBuffer(4096);

    public FdInfoFile() {
        path.view().put(0, PREFIX);
    }

    /**
     * The file's bytes (at most 4 KiB, far above the ~300 the kernel writes), or an empty array when it
     * cannot be opened (no procfs); a failed read throws with the errno.
     */
    public byte[] read(int fd) {
        ByteBuffer name = path.view();
        int end = PREFIX.length;
        String digits = Integer.toString(fd);
        for (int i = 0; i < digits.length(); i++) {
            name.put(end++, (byte) digits.charAt(i));
        }
        name.put(end, (byte) 0);
        int file = Syscall.open(path.address(), O_RDONLY_CLOEXEC);
        Reference.reachabilityFence(path);
        if (file < 0) {
            return new byte[0];
        }
        try {
            // fdinfo is a seq_file: one read returns all of it, since the buffer is far larger
            byte[] out = new byte[Bpf.read(file, text)];
            text.view().get(0, out);
            return out;
        } finally {
            Bpf.close(file);
        }
    }

    @Override
    public void close() {
        path.close();
        text.close();
    }
}
