package io.ebpfexporter.core.bpf;

import java.nio.ByteBuffer;

/**
 * Reads the fields of a struct the kernel filled. Only the first {@code length} bytes count: an older
 * kernel fills a shorter struct, and a field past them is absent ({@link #has}); reading it gives 0, or
 * {@link #ABSENT} through the {@code orAbsent} reads, for fields where 0 is also a real value.
 */
public final class StructView {
    /** What the {@code orAbsent} reads return for a field the kernel did not report. */
    public static final long ABSENT = -1;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final ByteBuffer buffer;
    private final int length;
    private final java.util.Set<Field> unreported;

    public StructView(ByteBuffer buffer, int length) {
        this(buffer, length, java.util.Set.of());
    }

    /** As the struct a source filled from elsewhere than the kernel's info call, leaving {@code unreported} out. */
    public StructView(ByteBuffer buffer, int length, java.util.Set<Field> unreported) {
        this.buffer = buffer;
        this.length = Math.max(0, Math.min(buffer.limit(), length));
        this.unreported = unreported;
    }

    /** Whether the kernel reported {@code field}. */
    public boolean has(Field field) {
        return field.within(length) && !unreported.contains(field);
    }

    public int u32(Field field) {
        return has(field) ? buffer.getInt(field.offset()) : 0;
    }

    public long u32AsLong(Field field) {
        return Integer.toUnsignedLong(u32(field));
    }

    /** The unsigned 32-bit field, or {@link #ABSENT}. */
    public long u32OrAbsent(Field field) {
        return has(field) ? u32AsLong(field) : ABSENT;
    }

    public long u64(Field field) {
        return has(field) ? buffer.getLong(field.offset()) : 0;
    }

    /** The 64-bit field, or {@link #ABSENT}. */
    public long u64OrAbsent(Field field) {
        return has(field) ? u64(field) : ABSENT;
    }

    /** A NUL-terminated string in a fixed {@code char[]} field, as its {@link LabelValue}; "" when absent. */
    public String cString(Field field) {
        int end = field.offset();
        int max = Math.min(length, field.end());
        while (end < max && buffer.get(end) != 0) {
            end++;
        }
        return string(buffer, field.offset(), end - field.offset());
    }

    /** The field's bytes as lowercase hex, as bpftool prints a program tag; "" when absent. */
    public String hex(Field field) {
        if (!has(field)) {
            return "";
        }
        char[] out = new char[field.size() * 2];
        for (int i = 0; i < field.size(); i++) {
            int b = buffer.get(field.offset() + i) & 0xff;
            out[2 * i] = HEX[b >>> 4];
            out[2 * i + 1] = HEX[b & 0xf];
        }
        return new String(out);
    }

    /** Copies the first {@code size} bytes; those the kernel did not fill read as zero. */
    public byte[] copy(int size) {
        byte[] out = new byte[size];
        buffer.get(0, out, 0, Math.min(size, length));
        return out;
    }

    /**
     * A NUL-terminated string of at most {@code length} bytes from a side buffer the kernel wrote into, as
     * its {@link LabelValue}: the kernel's strings (paths, names) are bytes.
     */
    public static String string(ByteBuffer source, int offset, int length) {
        int safeLength = Math.min(length, source.limit() - offset);
        if (offset < 0 || safeLength <= 0) {
            return "";
        }
        int end = 0;
        while (end < safeLength && source.get(offset + end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end];
        source.get(offset, bytes);
        return LabelValue.of(bytes);
    }
}
