package io.ebpfexporter.core.bpf;

import java.nio.charset.StandardCharsets;

/**
 * How a name the host gives as bytes (a pin's path, a process's comm, an interface name, a string the
 * kernel reports) becomes a label value, which Prometheus requires to be UTF-8. A name that is valid
 * UTF-8 and holds no backslash is shown as it is. Otherwise every backslash is written {@code \\} and
 * every byte that is not part of a valid UTF-8 sequence {@code \xNN} (two lowercase hex digits); valid
 * sequences stay as they are. Valid means well-formed by the Unicode standard: no overlong form, no
 * encoded surrogate, nothing above U+10FFFF.
 *
 * <p>Two names never share a value: a value without a backslash comes only from a name shown as it is,
 * and in any other every backslash of the name is doubled, so {@code \xNN} always stands for a byte.
 * This lives beside the struct reads because the kernel's strings pass through it too.
 */
public final class LabelValue {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LabelValue() {
    }

    /** The label value of the name {@code bytes}. */
    public static String of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    /** The label value of the name in {@code bytes[from, to)}. */
    public static String of(byte[] bytes, int from, int to) {
        if (shownAsItIs(bytes, from, to)) {
            return new String(bytes, from, to - from, StandardCharsets.UTF_8);
        }
        StringBuilder out = new StringBuilder(to - from + 8);
        int i = from;
        while (i < to) {
            int length = sequence(bytes, i, to);
            if (length == 0) {
                int b = bytes[i] & 0xff;
                out.append("\\x").append(HEX[b >>> 4]).append(HEX[b & 0xf]);
                i++;
            } else if (bytes[i] == '\\') {
                out.append("\\\\");
                i++;
            } else {
                out.append(new String(bytes, i, length, StandardCharsets.UTF_8));
                i += length;
            }
        }
        return out.toString();
    }

    private static boolean shownAsItIs(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int length = sequence(bytes, i, to);
            if (length == 0 || bytes[i] == '\\') {
                return false;
            }
            i += length;
        }
        return true;
    }

    /**
     * The length of the well-formed UTF-8 sequence starting at {@code i} (Unicode's table 3-7), or 0 when
     * the byte there starts none.
     */
    private static int sequence(byte[] bytes, int i, int to) {
        int b = bytes[i] & 0xff;
        if (b < 0x80) {
            return 1;
        }
        int length;
        int low = 0x80; // the bounds of the second byte; every later one is 80..BF
        int high = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) {
            length = 2;
        } else if (b >= 0xe0 && b <= 0xef) {
            length = 3;
            low = b == 0xe0 ? 0xa0 : 0x80; // E0 80..9F: overlong
            high = b == 0xed ? 0x9f : 0xbf; // ED A0..BF: a surrogate
        } else if (b >= 0xf0 && b <= 0xf4) {
            length = 4;
            low = b == 0xf0 ? 0x90 : 0x80; // F0 80..8F: overlong
            high = b == 0xf4 ? 0x8f : 0xbf; // F4 90 and up: above U+10FFFF
        } else {
            return 0; // a continuation byte, C0/C1 (overlong) or F5..FF
        }
        if (i + length > to) {
            return 0;
        }
        int second = bytes[i + 1] & 0xff;
        if (second < low || second > high) {
            return 0;
        }
        for (int k = 2; k < length; k++) {
            int next = bytes[i + k] & 0xff;
            if (next < 0x80 || next > 0xbf) {
                return 0;
            }
        }
        return length;
    }
}
