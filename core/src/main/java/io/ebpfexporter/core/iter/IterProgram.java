package io.ebpfexporter.core.iter;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.OwnObjects;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.ObjIntConsumer;

/**
 * An iterator program the exporter assembled: loaded as a tracing program for the iterator target
 * {@code attachBtfId} and linked, both hidden from the walks ({@link OwnObjects}); each {@link #read} opens
 * a new seq file of the link and reads it to the end. {@link #run} loads, reads once and closes; a program
 * read every scrape is {@link #kept} loaded, so the kernel verifies it once (the verifier's pass cost
 * more than the read itself for the programs listing). A kernel that refuses any step throws its
 * {@link io.ebpfexporter.core.bpf.BpfException}.
 */
public final class IterProgram implements AutoCloseable {
    private static final int PROG_TYPE_TRACING = 26;
    private static final int ATTACH_TRACE_ITER = 28;

    private final int prog;
    private final int link;
    private final boolean kept;
    /** Bytes the last read gave: the next one's buffer is sized from it rather than grown by copies. */
    private volatile int lastRead;

    private IterProgram(int prog, int link, boolean kept) {
        this.prog = prog;
        this.link = link;
        this.kept = kept;
    }

    /** Loads and links {@code code}, hidden from the walks for as long as it lives, until {@link #close}. */
    static IterProgram kept(byte[] code, String name, int attachBtfId) {
        return load(code, name, attachBtfId, true);
    }

    private static IterProgram load(byte[] code, String name, int attachBtfId, boolean kept) {
        try (NativeBuffer insns = NativeBuffer.of(code); Bpf bpf = new Bpf()) {
            int progFd = OwnObjects.create(ObjectKind.PROGRAMS,
                    () -> bpf.progLoad(PROG_TYPE_TRACING, insns, name, ATTACH_TRACE_ITER, attachBtfId), kept);
            try {
                return new IterProgram(progFd, OwnObjects.create(ObjectKind.LINKS,
                        () -> bpf.linkCreate(progFd, 0, ATTACH_TRACE_ITER, a -> { }), kept), kept);
            } catch (RuntimeException e) {
                OwnObjects.close(ObjectKind.PROGRAMS, progFd, kept);
                throw e;
            }
        }
    }

    /** Runs {@code code} once, handing each record to {@code record} as (buffer, offset of the record). */
    public static void run(byte[] code, String name, int attachBtfId, int recordSize, ObjIntConsumer<ByteBuffer> record) {
        ByteBuffer all;
        try (IterProgram program = load(code, name, attachBtfId, false)) {
            all = program.read();
        }
        for (int at = 0; at + recordSize <= all.limit(); at += recordSize) {
            record.accept(all, at);
        }
    }

    /** One pass over the iterator's objects: everything the program wrote, in native byte order. */
    ByteBuffer read() {
        int iter;
        try (Bpf bpf = new Bpf()) {
            iter = bpf.iterCreate(link);
        }
        try {
            ByteBuffer all = drain(iter, lastRead + lastRead / 4);
            lastRead = all.limit();
            return all;
        } finally {
            Bpf.close(iter);
        }
    }

    @Override
    public void close() {
        OwnObjects.close(ObjectKind.LINKS, link, kept);
        OwnObjects.close(ObjectKind.PROGRAMS, prog, kept);
    }

    /** The seq file read to its end, one bulk copy per read, into a buffer of at least {@code expected} bytes. */
    private static ByteBuffer drain(int iter, int expected) {
        ByteBuffer all = ByteBuffer.allocate(Math.max(64 * 1024, expected));
        try (NativeBuffer buffer = new NativeBuffer(64 * 1024)) {
            int n;
            while ((n = Bpf.read(iter, buffer)) > 0) {
                if (all.remaining() < n) {
                    all = ByteBuffer.allocate(Math.max(2 * all.capacity(), all.position() + n)).put(all.flip());
                }
                all.put(buffer.view().slice(0, n));
            }
        }
        return all.flip().order(ByteOrder.nativeOrder());
    }
}
