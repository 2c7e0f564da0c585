package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.walk.Host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Converts the kernel's boot-time nanoseconds (bpf_prog_info.load_time) to Unix time, from the wall
 * clock minus /proc/uptime (10 ms resolution). Read once per scrape: a host has thousands of programs.
 * A reading within {@link #RESOLUTION} of the last one keeps the last one, so that a program's load time
 * is the same number in every scrape rather than jittering by milliseconds; a wall clock that was set
 * moves it.
 */
final class BootClock {
    /** What two readings of one boot instant may differ by: /proc/uptime's 10 ms, the clock's 1 ms, twice. */
    static final double RESOLUTION = 0.022;

    private final double bootedAtUnixSeconds;

    private BootClock(double bootedAtUnixSeconds) {
        this.bootedAtUnixSeconds = bootedAtUnixSeconds;
    }

    /** The boot instant read now, or {@code last} (null at first) while the reading agrees with it. */
    static BootClock read(Host host, BootClock last) {
        Path file = host.path("/proc/uptime");
        try {
            String uptime = Files.readString(file).trim().split("\\s+")[0];
            double bootedAt = host.clock().millis() / 1000.0 - Double.parseDouble(uptime);
            return last != null && Math.abs(bootedAt - last.bootedAtUnixSeconds) <= RESOLUTION ? last : new BootClock(bootedAt);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Unix seconds of a boot-time instant. */
    double unixSeconds(long bootTimeNanos) {
        return bootedAtUnixSeconds + bootTimeNanos / 1e9;
    }
}
