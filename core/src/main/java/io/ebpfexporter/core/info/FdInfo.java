package io.ebpfexporter.core.info;


import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code /proc/self/fdinfo/<fd>} of an open BPF object: the only place the kernel reports a map's or
 * program's {@code memlock} and a map's {@code frozen} state. Reading it roughly triples the cost of
 * visiting an object, so collectors read it only for metrics that need it; the text is scanned as bytes.
 */
public final class FdInfo {
    private final byte[] text;

    public FdInfo(byte[] text) {
        this.text = text;
    }

    /** The decimal field {@code key}, or -1 when the kernel does not report it or it is not a number. */
    public long number(String key) {
        byte[] wanted = key.getBytes(StandardCharsets.US_ASCII);
        for (int line = 0; line < text.length; line = nextLine(line)) {
            if (startsWith(line, wanted) && line + wanted.length < text.length && text[line + wanted.length] == ':') {
                return decimal(line + wanted.length + 1);
            }
        }
        return -1;
    }

    private int nextLine(int from) {
        int newline = from;
        while (newline < text.length && text[newline] != '\n') {
            newline++;
        }
        return newline + 1;
    }

    private boolean startsWith(int at, byte[] wanted) {
        return Arrays.equals(text, at, Math.min(at + wanted.length, text.length), wanted, 0, wanted.length);
    }

    private long decimal(int at) {
        while (at < text.length && (text[at] == ' ' || text[at] == '\t')) {
            at++;
        }
        long value = 0;
        int digits = 0;
        for (; at < text.length && text[at] >= '0' && text[at] <= '9'; at++, digits++) {
            if (value > (Long.MAX_VALUE - 9) / 10) {
                return -1;
            }
            value = value * 10 + (text[at] - '0');
        }
        boolean endsClean = at == text.length || text[at] == '\n' || text[at] == ' ' || text[at] == '\t';
        return digits > 0 && endsClean ? value : -1;
    }
}
