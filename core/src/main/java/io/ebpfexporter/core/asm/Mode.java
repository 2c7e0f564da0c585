package io.ebpfexporter.core.asm;

/** How a load or store addresses its operand: bits 5-7 of its opcode (the two modes the factories make). */
enum Mode {
    IMM(0x00), MEM(0x60);

    final int bits;

    Mode(int bits) {
        this.bits = bits;
    }
}
