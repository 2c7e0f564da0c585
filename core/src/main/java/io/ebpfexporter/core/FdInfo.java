package io.ebpfexporter.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code /proc/self/fdinfo/<fd>} of an open BPF object: the only place the kernel reports a map's or
 * program's {@code memlock} and a map's {@code frozen} state. Reading it roughly triples the cost of
 * visiting an object, so collectors read it only for metrics that need it.
 */
public final class FdInfo {
    private final Map<String, String> fields;

    private FdInfo(Map<String, String> fields) {
        this.fields = fields;
    }

    public static FdInfo of(OpenObject<?> object) {
        Map<String, String> fields = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + object.fd()))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                }
            }
        } catch (NoSuchFileException e) {
            // no procfs: every field reads as absent
        } catch (IOException e) {
            throw new BpfException("read fdinfo", Errno.ENOENT);
        }
        return new FdInfo(fields);
    }

    /** The decimal field {@code key}, or -1 when the kernel does not report it. */
    public long number(String key) {
        String value = fields.get(key);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
