package io.ebpfexporter.core;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.NativeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.ObjIntConsumer;

/**
 * One pass of an iterator program the exporter assembled: loaded as a tracing program for the iterator
 * target {@code attachBtfId} and linked, both hidden from the walks ({@link OwnObjects}); its seq file read
 * to the end in {@code recordSize}-byte records (a record may straddle two reads); everything closed.
 * A kernel that refuses any step throws its {@link io.ebpfexporter.core.bpf.BpfException}.
 */
public final class IterProgram {
    private static final int PROG_TYPE_TRACING = 26;
    private static final int ATTACH_TRACE_ITER = 28;

    private IterProgram() {
    }

    /** Runs {@code code} once, handing each record to {@code record} as (buffer, offset of the record). */
    public static void run(byte[] code, String name, int attachBtfId, int recordSize, ObjIntConsumer<ByteBuffer> record) {
        ByteBuffer all = read(code, name, attachBtfId);
        for (int at = 0; at + recordSize <= all.limit(); at += recordSize) {
            record.accept(all, at);
        }
    }

    /** Runs {@code code} once: everything it wrote, in native byte order. */
    public static ByteBuffer read(byte[] code, String name, int attachBtfId) {
        NativeBuffer insns = NativeBuffer.of(code);
        Bpf bpf = new Bpf();
        int prog = -1;
        int link = -1;
        int iter = -1;
        try {
            prog = OwnObjects.create(ObjectKind.PROGRAMS,
                    () -> bpf.progLoad(PROG_TYPE_TRACING, insns, name, ATTACH_TRACE_ITER, attachBtfId));
            int progFd = prog;
            link = OwnObjects.create(ObjectKind.LINKS, () -> bpf.linkCreate(progFd, 0, ATTACH_TRACE_ITER, a -> { }));
            iter = bpf.iterCreate(link);
            return drain(iter);
        } finally {
            Bpf.close(iter);
            Bpf.close(link);
            Bpf.close(prog);
        }
    }

    /** The seq file read to its end, one bulk copy per read. */
    private static ByteBuffer drain(int iter) {
        NativeBuffer buffer = new NativeBuffer(64 * 1024);
        ByteBuffer all = ByteBuffer.allocate(64 * 1024);
        int n;
        while ((n = Bpf.read(iter, buffer)) > 0) {
            if (all.remaining() < n) {
                all = ByteBuffer.allocate(Math.max(2 * all.capacity(), all.position() + n)).put(all.flip());
            }
            all.put(buffer.view().slice(0, n));
        }
        return all.flip().order(ByteOrder.nativeOrder());
    }
}
