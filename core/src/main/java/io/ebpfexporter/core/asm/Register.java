package io.ebpfexporter.core.asm;

/**
 * The eleven BPF registers: R0 holds a call's result and the program's exit value, R1 to R5 a call's
 * arguments (a call clobbers them), R6 to R9 survive calls, and R10 is the read-only frame pointer.
 */
public enum Register {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10;

    /** The frame pointer: a program's stack is the 512 bytes below it. */
    public static final Register FP = R10;

    /** The register's number in an instruction's dst and src fields. */
    int number() {
        return ordinal();
    }
}
