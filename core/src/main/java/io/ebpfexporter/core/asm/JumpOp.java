package io.ebpfexporter.core.asm;

/**
 * Conditional jumps: bits 4-7 of a JMP or JMP32 opcode. Each jumps to a label when {@code dst op operand}
 * holds, comparing all 64 bits ({@link #imm}, {@link #reg}) or the low 32 ({@link #imm32}, {@link #reg32});
 * the {@link Assembler} turns the label into the offset. {@code JGT} to {@code JLE} compare unsigned,
 * {@code JSGT} to {@code JSLE} signed.
 */
public enum JumpOp {
    JEQ(0x10), JGT(0x20), JGE(0x30), JSET(0x40), JNE(0x50), JSGT(0x60), JSGE(0x70), JLT(0xa0), JLE(0xb0),
    JSLT(0xc0), JSLE(0xd0);

    /** The unconditional jump's op, {@code BPF_JA}; and the call's and exit's. */
    static final int JA = 0x00;
    static final int CALL = 0x80;
    static final int EXIT = 0x90;

    private final int bits;

    JumpOp(int bits) {
        this.bits = bits;
    }

    /** {@code if dst op value goto label}. */
    public Instruction imm(Register dst, int value, String label) {
        return Instruction.jump(InstructionClass.JMP.bits | Source.K.bits | bits, dst, Register.R0, value, label);
    }

    /** {@code if dst op src goto label}. */
    public Instruction reg(Register dst, Register src, String label) {
        return Instruction.jump(InstructionClass.JMP.bits | Source.X.bits | bits, dst, src, 0, label);
    }

    /** {@code if (u32) dst op value goto label}. */
    public Instruction imm32(Register dst, int value, String label) {
        return Instruction.jump(InstructionClass.JMP32.bits | Source.K.bits | bits, dst, Register.R0, value, label);
    }

    /** {@code if (u32) dst op (u32) src goto label}. */
    public Instruction reg32(Register dst, Register src, String label) {
        return Instruction.jump(InstructionClass.JMP32.bits | Source.X.bits | bits, dst, src, 0, label);
    }
}
