package io.ebpfexporter.core.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Per-CPU map values as user space sees them: one 8-byte-aligned slot per possible CPU. */
public final class PerCpu {
    private static final int POSSIBLE_CPUS = readPossibleCpus();

    private PerCpu() {
    }

    /** The bytes one entry's value takes in a lookup buffer of a per-CPU map. */
    public static long valueBytes(long valueSize) {
        return ((valueSize + 7) & ~7L) * POSSIBLE_CPUS;
    }

    /** Counts the CPUs in /sys/devices/system/cpu/possible ("0-1", "0,2-3"). */
    private static int readPossibleCpus() {
        try {
            int n = 0;
            for (String range : Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim().split(",")) {
                String[] ends = range.split("-");
                n += ends.length == 2 ? Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1 : 1;
            }
            return Math.max(n, 1);
        } catch (IOException | NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
