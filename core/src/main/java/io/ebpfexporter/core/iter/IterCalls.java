package io.ebpfexporter.core.iter;

import io.ebpfexporter.core.asm.AluOp;
import io.ebpfexporter.core.asm.Helper;
import io.ebpfexporter.core.asm.Instruction;
import io.ebpfexporter.core.asm.Register;
import io.ebpfexporter.core.asm.Size;

import java.util.List;

import static io.ebpfexporter.core.asm.Register.FP;
import static io.ebpfexporter.core.asm.Register.R1;
import static io.ebpfexporter.core.asm.Register.R2;
import static io.ebpfexporter.core.asm.Register.R3;

/** The helper calls the iterator programs make, each with its arguments set up in r1 to r3. */
public final class IterCalls {
    private IterCalls() {
    }

    /** {@code bpf_seq_write(meta->seq, fp + record, size)}, the iterator's meta in {@code meta}. */
    public static List<Instruction> seqWrite(Register meta, int metaSeq, int record, int size) {
        return List.of(
                Instruction.loadMem(R1, meta, metaSeq, Size.DW),
                AluOp.MOV.reg(R2, FP), AluOp.ADD.imm(R2, record),
                AluOp.MOV.imm(R3, size),
                Instruction.call(Helper.SEQ_WRITE));
    }

    /** {@code bpf_probe_read_kernel(fp + dest, size, r3)}: {@code size} bytes at the address in r3. */
    static List<Instruction> probeRead(int dest, int size) {
        return List.of(
                AluOp.MOV.reg(R1, FP), AluOp.ADD.imm(R1, dest),
                AluOp.MOV.imm(R2, size),
                Instruction.call(Helper.PROBE_READ_KERNEL));
    }
}
