package io.ebpfexporter.core.asm;

/** How a load or store addresses its operand: bits 5-7 of its opcode. */
public enum Mode {
    IMM(0x00), ABS(0x20), IND(0x40), MEM(0x60), MEMSX(0x80), ATOMIC(0xc0);

    final int bits;

    Mode(int bits) {
        this.bits = bits;
    }
}
