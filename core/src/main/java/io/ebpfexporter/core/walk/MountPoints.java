package io.ebpfexporter.core.walk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where file systems of one type are mounted, from {@code /proc/self/mountinfo} read as bytes: a mount point
 * is the kernel's bytes (its octal escapes for space, tab, newline and backslash decoded), never decoded by
 * the locale.
 */
public final class MountPoints {
    private MountPoints() {
    }

    /** The mount points of the file systems of {@code type} ({@code bpf}, {@code cgroup2}) of {@code host}, in order. */
    public static List<byte[]> of(Host host, String type) throws IOException {
        return parse(Files.readAllBytes(host.path("/proc/self/mountinfo")), type);
    }

    /**
     * The mount points (field 5) of the lines of {@code mountinfo} whose type (the field after {@code -})
     * is {@code type}. Read as ISO-8859-1, whose chars are the bytes one for one.
     */
    public static List<byte[]> parse(byte[] mountinfo, String type) {
        List<byte[]> mounts = new ArrayList<>();
        for (String line : new String(mountinfo, StandardCharsets.ISO_8859_1).split("\n")) {
            String[] fields = line.split(" ");
            int separator = Arrays.asList(fields).indexOf("-");
            if (fields.length > 4 && separator > 0 && separator + 1 < fields.length && fields[separator + 1].equals(type)) {
                mounts.add(unescape(fields[4]).getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return mounts;
    }

    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                out.append((char) (Integer.parseInt(field.substring(i + 1, i + 4), 8) & 0xff));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
