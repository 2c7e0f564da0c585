package io.ebpfexporter.core.asm;

/** The low three bits of an opcode (include/uapi/linux/bpf_common.h, bpf.h). */
enum InstructionClass {
    LD(0x00), LDX(0x01), ST(0x02), STX(0x03), ALU(0x04), JMP(0x05), JMP32(0x06), ALU64(0x07);

    final int bits;

    InstructionClass(int bits) {
        this.bits = bits;
    }
}
