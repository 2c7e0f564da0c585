package io.ebpfexporter.core.bpf;

/**
 * The declaration of one kernel struct's layout: each field once, with its offset, size and the
 * release that added it, as the uapi lays it out. Nothing else in the code names an offset.
 */
final class Struct {
    private final String name;
    private int size;

    Struct(String name) {
        this.name = name;
    }

    Field u32(String field, int offset, String since) {
        return bytes(field, offset, 4, since);
    }

    Field u64(String field, int offset, String since) {
        return bytes(field, offset, 8, since);
    }

    /** A user-space pointer ({@code __aligned_u64}). */
    Field pointer(String field, int offset, String since) {
        return u64(field, offset, since);
    }

    Field bytes(String field, int offset, int width, String since) {
        size = Math.max(size, offset + width);
        return new Field(name, field, offset, width, since);
    }

    /** Bytes up to the end of the last field declared so far, rounded up to 8 as the kernel's struct is. */
    int size() {
        return (size + 7) & ~7;
    }
}
