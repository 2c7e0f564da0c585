package io.ebpfexporter.core.asm;

/**
 * ALU operations: bits 4-7 of an ALU or ALU64 opcode. Each makes its instruction on all 64 bits of
 * {@code dst} ({@link #imm}, {@link #reg}) or on its low 32 bits, zeroing the high ones ({@link #imm32},
 * {@link #reg32}).
 */
public enum AluOp {
    ADD(0x00), SUB(0x10), MUL(0x20), DIV(0x30), OR(0x40), AND(0x50), LSH(0x60), RSH(0x70), NEG(0x80), MOD(0x90),
    XOR(0xa0), MOV(0xb0), ARSH(0xc0);

    private final int bits;

    AluOp(int bits) {
        this.bits = bits;
    }

    /** {@code dst = dst op value}. */
    public Instruction imm(Register dst, int value) {
        return Instruction.of(InstructionClass.ALU64.bits | Source.K.bits | bits, dst, Register.R0, 0, value);
    }

    /** {@code dst = dst op src}. */
    public Instruction reg(Register dst, Register src) {
        return Instruction.of(InstructionClass.ALU64.bits | Source.X.bits | bits, dst, src, 0, 0);
    }

    /** {@code (u32) dst = (u32) dst op value}. */
    public Instruction imm32(Register dst, int value) {
        return Instruction.of(InstructionClass.ALU.bits | Source.K.bits | bits, dst, Register.R0, 0, value);
    }

    /** {@code (u32) dst = (u32) dst op (u32) src}. */
    public Instruction reg32(Register dst, Register src) {
        return Instruction.of(InstructionClass.ALU.bits | Source.X.bits | bits, dst, src, 0, 0);
    }
}
