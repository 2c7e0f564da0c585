package io.ebpfexporter.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Converts the kernel's boot-time nanoseconds (bpf_prog_info.load_time) to Unix time. */
public final class BootClock {
    private BootClock() {
    }

    /** Unix seconds of a boot-time instant, from the wall clock minus /proc/uptime (10 ms resolution). */
    public static double unixSeconds(long bootTimeNanos) {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0];
            double bootedAt = System.currentTimeMillis() / 1000.0 - Double.parseDouble(uptime);
            return bootedAt + bootTimeNanos / 1e9;
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("read /proc/uptime", Errno.ENOENT);
        }
    }
}
