package io.ebpfexporter.core.asm;

/** The width of a load or store: bits 3-4 of its opcode. */
public enum Size {
    W(0x00, 4), H(0x08, 2), B(0x10, 1), DW(0x18, 8);

    final int bits;
    private final int bytes;

    Size(int bits, int bytes) {
        this.bits = bits;
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** The size of {@code bytes} bytes: 1, 2, 4 or 8. */
    public static Size ofBytes(int bytes) {
        for (Size size : values()) {
            if (size.bytes == bytes) {
                return size;
            }
        }
        throw new IllegalArgumentException("no BPF load or store of " + bytes + " bytes");
    }
}
