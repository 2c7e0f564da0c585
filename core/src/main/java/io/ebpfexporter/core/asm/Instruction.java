package io.ebpfexporter.core.asm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One BPF instruction, {@code struct bpf_insn}: opcode, dst and src registers, a 16-bit offset and a
 * 32-bit immediate, eight bytes; a 64-bit immediate load takes two such slots. A jump names its target
 * label, which the {@link Assembler} resolves. Made by the factories here and by {@link AluOp} and
 * {@link JumpOp}: no caller writes an opcode.
 */
public final class Instruction {
    /** {@code BPF_PSEUDO_MAP_FD}: a 64-bit immediate load's src when the immediate is a map's fd. */
    private static final int PSEUDO_MAP_FD = 1;
    /** {@code BPF_PSEUDO_KFUNC_CALL}: a call's src when its immediate is a kfunc's BTF id. */
    private static final int PSEUDO_KFUNC_CALL = 2;
    private static final int LOAD_IMM64 = InstructionClass.LD.bits | Mode.IMM.bits | Size.DW.bits;

    private final int opCode;
    private final int dst;
    private final int src;
    private final int offset;
    private final long constant;
    private final String target;

    private Instruction(int opCode, int dst, int src, int offset, long constant, String target) {
        if (offset != (short) offset) {
            throw new IllegalArgumentException("offset " + offset + " does not fit an instruction's 16 bits");
        }
        this.opCode = opCode;
        this.dst = dst;
        this.src = src;
        this.offset = offset;
        this.constant = constant;
        this.target = target;
    }

    static Instruction of(int opCode, Register dst, Register src, int offset, int imm) {
        return new Instruction(opCode, dst.number(), src.number(), offset, imm, null);
    }

    static Instruction jump(int opCode, Register dst, Register src, int imm, String label) {
        return new Instruction(opCode, dst.number(), src.number(), 0, imm, label);
    }

    /** {@code dst = *(size *)(src + offset)}. */
    public static Instruction loadMem(Register dst, Register src, int offset, Size size) {
        return of(InstructionClass.LDX.bits | Mode.MEM.bits | size.bits, dst, src, offset, 0);
    }

    /** {@code *(size *)(dst + offset) = src}. */
    public static Instruction storeMem(Register dst, int offset, Register src, Size size) {
        return of(InstructionClass.STX.bits | Mode.MEM.bits | size.bits, dst, src, offset, 0);
    }

    /** {@code *(size *)(dst + offset) = value}. */
    public static Instruction storeImm(Register dst, int offset, int value, Size size) {
        return of(InstructionClass.ST.bits | Mode.MEM.bits | size.bits, dst, Register.R0, offset, value);
    }

    /** {@code dst = value}, all 64 bits: two slots. */
    public static Instruction loadImm64(Register dst, long value) {
        return new Instruction(LOAD_IMM64, dst.number(), 0, 0, value, null);
    }

    /** {@code dst = the map of fd}: the verifier turns the fd into the map's address. Two slots. */
    public static Instruction loadMapFd(Register dst, int fd) {
        return new Instruction(LOAD_IMM64, dst.number(), PSEUDO_MAP_FD, 0, fd, null);
    }

    /** {@code goto label}. */
    public static Instruction jumpTo(String label) {
        return jump(InstructionClass.JMP.bits | JumpOp.JA, Register.R0, Register.R0, 0, label);
    }

    /** {@code r0 = helper(r1, ..., r5)}. */
    public static Instruction call(Helper helper) {
        return of(InstructionClass.JMP.bits | JumpOp.CALL, Register.R0, Register.R0, 0, helper.id);
    }

    /** {@code r0 = kfunc(r1, ..., r5)}, the kfunc named by its id in vmlinux BTF. */
    public static Instruction callKfunc(int btfId) {
        return new Instruction(InstructionClass.JMP.bits | JumpOp.CALL, 0, PSEUDO_KFUNC_CALL, 0, btfId, null);
    }

    /** Returns r0 to the program's caller. */
    public static Instruction exit() {
        return of(InstructionClass.JMP.bits | JumpOp.EXIT, Register.R0, Register.R0, 0, 0);
    }

    /** Eight bytes per slot. */
    int slots() {
        return opCode == LOAD_IMM64 ? 2 : 1;
    }

    /** The label this jump goes to, or null. */
    String target() {
        return target;
    }

    /**
     * Writes the instruction, in {@code out}'s byte order, with {@code jumpOffset} as its offset when it
     * is a jump. The register nibbles follow the C bitfields' layout: dst in the low nibble on a
     * little-endian machine, the high one on a big-endian one.
     */
    void encode(ByteBuffer out, int jumpOffset) {
        int registers = out.order() == ByteOrder.LITTLE_ENDIAN ? src << 4 | dst : dst << 4 | src;
        int off = target == null ? offset : jumpOffset;
        if (off != (short) off) {
            throw new IllegalStateException("jump to " + target + " is out of a 16-bit offset's reach");
        }
        out.put((byte) opCode).put((byte) registers).putShort((short) off).putInt((int) constant);
        if (slots() == 2) {
            out.put((byte) 0).put((byte) 0).putShort((short) 0).putInt((int) (constant >>> 32));
        }
    }
}
