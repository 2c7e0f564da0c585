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
            drain(iter, recordSize, record);
        } finally {
            Bpf.close(iter);
            Bpf.close(link);
            Bpf.close(prog);
        }
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
