package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The boot instant from the wall clock and /proc/uptime: kept while readings agree, moved with the clock. */
class BootClockTest {
    @TempDir
    Path root;

    private Host at(long unixMillis, String uptime) throws IOException {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/uptime"), uptime + " 12345.67\n");
        return new Host(ObjectSource.KERNEL, root, Clock.fixed(Instant.ofEpochMilli(unixMillis), ZoneOffset.UTC));
    }

    @Test
    void readingsWithinTheResolutionKeepTheFirstAndASetClockMovesIt() throws IOException {
        BootClock first = BootClock.read(at(1_000_000_000_000L, "100.00"), null);
        assertEquals(999_999_900.5, first.unixSeconds(500_000_000L), 1e-6);
        assertSame(first, BootClock.read(at(1_000_000_000_009L, "100.00"), first), "9 ms later, the same 10 ms of uptime");
        assertSame(first, BootClock.read(at(1_000_000_000_011L, "100.01"), first), "the next 10 ms of uptime");
        BootClock set = BootClock.read(at(1_000_000_002_000L, "100.00"), first);
        assertNotSame(first, set, "the wall clock was set 2 s ahead");
        assertEquals(999_999_902.5, set.unixSeconds(500_000_000L), 1e-6);
    }
}
