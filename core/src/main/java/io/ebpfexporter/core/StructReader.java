package io.ebpfexporter.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads fields of a kernel struct at explicit byte offsets. Only the first {@code infoLen} bytes count:
 * an older kernel fills a shorter struct, and every field it does not know reads as zero.
 */
final class StructReader {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final ByteBuffer buffer;
    private final int limit;

    StructReader(ByteBuffer buffer, int infoLen) {
        this.buffer = buffer;
        this.limit = Math.max(0, Math.min(buffer.limit(), infoLen));
    }

    int u32(int offset) {
        return fits(offset, 4) ? buffer.getInt(offset) : 0;
    }

    long u32AsLong(int offset) {
        return Integer.toUnsignedLong(u32(offset));
    }

    long u64(int offset) {
        return fits(offset, 8) ? buffer.getLong(offset) : 0;
    }

    /** A NUL-terminated string in a fixed {@code char[capacity]} field. */
    String cString(int offset, int capacity) {
        int end = offset;
        int max = Math.min(limit, offset + capacity);
        while (end < max && buffer.get(end) != 0) {
            end++;
        }
        return string(buffer, offset, end - offset);
    }

    /** Bytes as lowercase hex, as bpftool prints a program tag. */
    String hex(int offset, int length) {
        if (!fits(offset, length)) {
            return "";
        }
        char[] out = new char[length * 2];
        for (int i = 0; i < length; i++) {
            int b = buffer.get(offset + i) & 0xff;
            out[2 * i] = HEX[b >>> 4];
            out[2 * i + 1] = HEX[b & 0xf];
        }
        return new String(out);
    }

    /** Copies the bytes of {@code [offset, offset + length)} that the kernel filled; the rest read as zero. */
    byte[] bytes(int offset, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length && offset + i < limit; i++) {
            out[i] = buffer.get(offset + i);
        }
        return out;
    }

    /** A NUL-terminated string of at most {@code length} bytes from a side buffer the kernel wrote into. */
    static String string(ByteBuffer source, int offset, int length) {
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
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private boolean fits(int offset, int size) {
        return offset >= 0 && offset + size <= limit;
    }
}
