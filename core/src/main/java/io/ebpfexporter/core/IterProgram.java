package io.ebpfexporter.core;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.NativeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.ObjIntConsumer;

/**
 * An iterator program the exporter assembled: loaded as a tracing program for the iterator target
 * {@code attachBtfId} and linked, both hidden from the walks ({@link OwnObjects}); each {@link #read}
 * opens a new seq file of the link and reads it to the end in fixed-size records (a record may straddle
 * two reads). {@link #run} loads, reads once and closes; a program read every scrape is kept loaded,
 * so the kernel verifies it once. A kernel that refuses any step throws its
 * {@link io.ebpfexporter.core.bpf.BpfException}.
 */
public final class IterProgram implements AutoCloseable {
    private static final int PROG_TYPE_TRACING = 26;
    private static final int ATTACH_TRACE_ITER = 28;

    private final int prog;
    private final int link;
    private final boolean kept;

    private IterProgram(int prog, int link, boolean kept) {
        this.prog = prog;
        this.link = link;
        this.kept = kept;
    }

    /** Loads and links {@code code}; {@code kept}: hidden from the walks for as long as it lives. */
    static IterProgram load(byte[] code, String name, int attachBtfId, boolean kept) {
        NativeBuffer insns = NativeBuffer.of(code);
        Bpf bpf = new Bpf();
        int progFd = OwnObjects.create(ObjectKind.PROGRAMS,
                () -> bpf.progLoad(PROG_TYPE_TRACING, insns, name, ATTACH_TRACE_ITER, attachBtfId), kept);
        try {
            return new IterProgram(progFd, OwnObjects.create(ObjectKind.LINKS,
                    () -> bpf.linkCreate(progFd, 0, ATTACH_TRACE_ITER, a -> { }), kept), kept);
        } catch (RuntimeException e) {
            release(ObjectKind.PROGRAMS, progFd, kept);
            throw e;
        }
    }

    /** Runs {@code code} once, handing each record to {@code record} as (buffer, offset of the record). */
    public static void run(byte[] code, String name, int attachBtfId, int recordSize, ObjIntConsumer<ByteBuffer> record) {
        try (IterProgram program = load(code, name, attachBtfId, false)) {
            program.read(recordSize, record);
        }
    }

    /** One pass over the iterator's objects. */
    void read(int recordSize, ObjIntConsumer<ByteBuffer> record) {
        int iter = new Bpf().iterCreate(link);
        try {
            drain(iter, recordSize, record);
        } finally {
            Bpf.close(iter);
        }
    }

    @Override
    public void close() {
        release(ObjectKind.LINKS, link, kept);
        release(ObjectKind.PROGRAMS, prog, kept);
    }

    private static void release(ObjectKind<?> kind, int fd, boolean kept) {
        if (kept) {
            OwnObjects.closed(kind, new Bpf().idOf(fd));
        }
        Bpf.close(fd);
    }

    private static void drain(int iter, int recordSize, ObjIntConsumer<ByteBuffer> record) {
        NativeBuffer buffer = new NativeBuffer(64 * 1024);
        byte[] carry = new byte[0];
        int n;
        while ((n = Bpf.read(iter, buffer)) > 0) {
            ByteBuffer chunk = ByteBuffer.allocate(carry.length + n).order(ByteOrder.nativeOrder());
            chunk.put(carry).put(buffer.view().slice(0, n));
            int whole = chunk.capacity() / recordSize * recordSize;
            for (int at = 0; at < whole; at += recordSize) {
                record.accept(chunk, at);
            }
            carry = new byte[chunk.capacity() - whole];
            chunk.get(whole, carry);
        }
    }
}
