package io.ebpfexporter.core.asm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Eight-byte BPF instructions with forward jumps to labels, resolved at the end: the exporter's iterator programs. */
public final class BpfAsm {
    private static final int HELPER_PROBE_READ_KERNEL = 113;
    private static final int HELPER_SEQ_WRITE = 127;

    private final List<long[]> insns = new ArrayList<>(); // code, dst, src, off, imm
    private final Map<String, Integer> labels = new HashMap<>();
    private final Map<Integer, String> jumps = new HashMap<>();

    public BpfAsm op(int code, int dst, int src, int off, int imm) {
        insns.add(new long[] {code, dst, src, off, imm});
        return this;
    }

    public void jump(int code, int dst, int src, int imm, String label) {
        jumps.put(insns.size(), label);
        op(code, dst, src, 0, imm);
    }

    /** {@code bpf_probe_read_kernel(fp + dest, size, r3)}. */
    public BpfAsm probeRead(int dest, int size) {
        op(0xbf, 1, 10, 0, 0).op(0x07, 1, 0, 0, dest);
        op(0xb7, 2, 0, 0, size);
        return op(0x85, 0, 0, 0, HELPER_PROBE_READ_KERNEL);
    }

    /** {@code bpf_seq_write(meta->seq, fp + record, size)}, with the iterator's meta in {@code metaReg}. */
    public BpfAsm seqWrite(int metaReg, int metaSeq, int record, int size) {
        op(0x79, 1, metaReg, metaSeq, 0);
        op(0xbf, 2, 10, 0, 0).op(0x07, 2, 0, 0, record);
        op(0xb7, 3, 0, 0, size);
        return op(0x85, 0, 0, 0, HELPER_SEQ_WRITE);
    }

    public void imm64(int dst, long value) {
        op(0x18, dst, 0, 0, (int) value);
        op(0, 0, 0, 0, (int) (value >>> 32));
    }

    public void label(String name) {
        labels.put(name, insns.size());
    }

    public byte[] bytes() {
        ByteBuffer out = ByteBuffer.allocate(insns.size() * 8).order(ByteOrder.nativeOrder());
        for (int i = 0; i < insns.size(); i++) {
            long[] in = insns.get(i);
            int off = jumps.containsKey(i) ? labels.get(jumps.get(i)) - i - 1 : (int) in[3];
            out.put((byte) in[0]).put((byte) (in[2] << 4 | in[1])).putShort((short) off).putInt((int) in[4]);
        }
        return out.array();
    }
}
