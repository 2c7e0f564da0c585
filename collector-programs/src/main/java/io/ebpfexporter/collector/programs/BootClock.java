package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.Host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Converts the kernel's boot-time nanoseconds (bpf_prog_info.load_time) to Unix time, from the wall
 * clock minus /proc/uptime (10 ms resolution). Read once per scrape: a host has thousands of programs.
 */
final class BootClock {
    private final double bootedAtUnixSeconds;

    private BootClock(double bootedAtUnixSeconds) {
        this.bootedAtUnixSeconds = bootedAtUnixSeconds;
    }

    static BootClock read(Host host) {
        Path file = host.path("/proc/uptime");
        try {
            String uptime = Files.readString(file).trim().split("\\s+")[0];
            return new BootClock(host.clock().millis() / 1000.0 - Double.parseDouble(uptime));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Unix seconds of a boot-time instant. */
    double unixSeconds(long bootTimeNanos) {
        return bootedAtUnixSeconds + bootTimeNanos / 1e9;
    }
}
