package io.ebpfexporter.core.bpf;

/**
 * One member of a kernel struct or bpf_attr: where it sits, how wide it is, and the Linux release that
 * added it. A kernel older than {@code since} returns a shorter info struct, so a field past the
 * returned length is absent, and it refuses an attr whose bytes past its own union are not zero.
 */
public record Field(String struct, String name, int offset, int size, String since) {

    public Field {
        if (offset < 0 || size <= 0) {
            throw new IllegalArgumentException(struct + "." + name + ": offset " + offset + ", size " + size);
        }
    }

    /** The first byte after the field. */
    public int end() {
        return offset + size;
    }

    /** Whether a struct of {@code length} bytes, as the kernel returned it, holds this field. */
    public boolean within(int length) {
        return end() <= length;
    }

    /** From the struct and the offset, which tell fields apart: sets of fields are asked per object read. */
    @Override
    public int hashCode() {
        return 31 * struct.hashCode() + offset;
    }

    @Override
    public String toString() {
        return struct + "." + name + " (Linux " + since + ")";
    }
}
