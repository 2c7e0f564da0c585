package io.ebpfexporter.core.asm;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.HexFormat;

import static io.ebpfexporter.core.asm.Register.FP;
import static io.ebpfexporter.core.asm.Register.R0;
import static io.ebpfexporter.core.asm.Register.R1;
import static io.ebpfexporter.core.asm.Register.R2;
import static io.ebpfexporter.core.asm.Register.R6;
import static io.ebpfexporter.core.asm.Register.R7;
import static io.ebpfexporter.core.asm.Register.R9;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Instruction bytes against the encodings of include/uapi/linux/bpf.h and the kernel's instruction
 * macros (include/linux/filter.h), written out by hand for a little-endian machine: opcode, registers
 * (src in the high nibble), offset and immediate, least significant byte first.
 */
class AssemblerTest {

    @BeforeAll
    static void littleEndian() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
                "the expected bytes are written out for a little-endian machine");
    }

    private static void assertEncodes(String hex, Instruction... instructions) {
        assertEquals(hex(hex), HexFormat.of().formatHex(new Assembler().add(instructions).bytes()));
    }

    /** Instructions written as hex, spaced for reading. */
    private static String hex(String... instructions) {
        return String.join("", instructions).replace(" ", "");
    }

    @Test
    void loadsAndStoresEncodeClassModeAndSize() {
        assertEncodes("79 16 0800 00000000", Instruction.loadMem(R6, R1, 8, Size.DW));   // BPF_LDX_MEM(BPF_DW, R6, R1, 8)
        assertEncodes("61 71 1000 00000000", Instruction.loadMem(R1, R7, 16, Size.W));   // BPF_LDX_MEM(BPF_W, R1, R7, 16)
        assertEncodes("69 71 1000 00000000", Instruction.loadMem(R1, R7, 16, Size.H));
        assertEncodes("71 71 1000 00000000", Instruction.loadMem(R1, R7, 16, Size.B));
        assertEncodes("63 1a e8ff 00000000", Instruction.storeMem(FP, -24, R1, Size.W)); // BPF_STX_MEM(BPF_W, R10, R1, -24)
        assertEncodes("7b 0a f8ff 00000000", Instruction.storeMem(FP, -8, R0, Size.DW));
        assertEncodes("7a 0a f0ff 00000000", Instruction.storeImm(FP, -16, 0, Size.DW)); // BPF_ST_MEM(BPF_DW, R10, -16, 0)
        assertEncodes("62 0a ecff 02000000", Instruction.storeImm(FP, -20, 2, Size.W));
    }

    @Test
    void aluOperationsEncodeTheirWidthAndSource() {
        assertEncodes("b7 00 0000 00000000", AluOp.MOV.imm(R0, 0));     // BPF_MOV64_IMM(R0, 0)
        assertEncodes("bf a2 0000 00000000", AluOp.MOV.reg(R2, FP));    // BPF_MOV64_REG(R2, R10)
        assertEncodes("bc 92 0000 00000000", AluOp.MOV.reg32(R2, R9));  // BPF_MOV32_REG(R2, R9)
        assertEncodes("07 02 0000 f0ffffff", AluOp.ADD.imm(R2, -16));   // BPF_ALU64_IMM(BPF_ADD, R2, -16)
        assertEncodes("04 02 0000 01000000", AluOp.ADD.imm32(R2, 1));   // BPF_ALU32_IMM(BPF_ADD, R2, 1)
        assertEncodes("1f 92 0000 00000000", AluOp.SUB.reg(R2, R9));    // BPF_ALU64_REG(BPF_SUB, R2, R9)
    }

    @Test
    void callsNameTheirHelperOrKfuncAndExitReturns() {
        assertEncodes("85 00 0000 71000000", Instruction.call(Helper.PROBE_READ_KERNEL)); // BPF_EMIT_CALL(113)
        assertEncodes("85 00 0000 7f000000", Instruction.call(Helper.SEQ_WRITE));         // BPF_EMIT_CALL(127)
        assertEncodes("85 20 0000 39300000", Instruction.callKfunc(12345));              // src BPF_PSEUDO_KFUNC_CALL
        assertEncodes("95 00 0000 00000000", Instruction.exit());                         // BPF_EXIT_INSN()
    }

    @Test
    void sixtyFourBitImmediatesTakeTwoSlots() {
        // BPF_LD_IMM64(R2, 0x1122334455667788): the low half in the first slot, the high in the second
        assertEncodes("18 02 0000 88776655 00 00 0000 44332211", Instruction.loadImm64(R2, 0x1122334455667788L));
        // BPF_LD_MAP_FD(R1, 5): src BPF_PSEUDO_MAP_FD
        assertEncodes("18 11 0000 05000000 00 00 0000 00000000", Instruction.loadMapFd(R1, 5));
    }

    @Test
    void jumpsResolveLabelsInSlotsFromTheNextInstruction() {
        Assembler a = new Assembler();
        a.add(JumpOp.JEQ.imm(R7, 0, "exit"),                 // over the 2-slot load, the jump and the ALU: +4
                Instruction.loadImm64(R2, 1),
                JumpOp.JNE.reg(R9, R2, "exit"),                  // +1
                AluOp.MOV.imm(R0, 1));
        a.label("exit");
        a.add(JumpOp.JLE.imm(R9, 3, "back"), JumpOp.JNE.imm32(R2, 7, "exit"), Instruction.jumpTo("back"));
        a.label("back");
        a.add(Instruction.exit());
        assertEquals(hex("15 07 0400 00000000",
                        "18 02 0000 01000000 00 00 0000 00000000",
                        "5d 29 0100 00000000",
                        "b7 00 0000 01000000",
                        "b5 09 0200 03000000",  // BPF_JMP_IMM(BPF_JLE, R9, 3, +2)
                        "56 02 feff 07000000",  // BPF_JMP32_IMM(BPF_JNE, R2, 7, -2)
                        "05 00 0000 00000000",  // BPF_JMP_A(0)
                        "95 00 0000 00000000"),
                HexFormat.of().formatHex(a.bytes()));
    }

    @Test
    void aMissingOrRepeatedLabelAndAnOffsetBeyond16BitsAreRefused() {
        assertThrows(IllegalStateException.class, () -> new Assembler().add(Instruction.jumpTo("nowhere")).bytes());
        assertThrows(IllegalArgumentException.class, () -> new Assembler().label("twice").label("twice"));
        assertThrows(IllegalArgumentException.class, () -> Instruction.loadMem(R1, R6, 1 << 15, Size.W));
        assertThrows(IllegalArgumentException.class, () -> Size.ofBytes(3));
    }
}
