package io.ebpfexporter.core.asm;

/** Where an ALU or jump instruction's second operand comes from: bit 3 of its opcode. */
enum Source {
    /** The instruction's 32-bit immediate. */
    K(0x00),
    /** The src register. */
    X(0x08);

    final int bits;

    Source(int bits) {
        this.bits = bits;
    }
}
