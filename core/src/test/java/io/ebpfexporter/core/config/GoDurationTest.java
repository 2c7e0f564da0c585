package io.ebpfexporter.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GoDurationTest {
    @Test
    void parsesGoSyntax() {
        assertEquals(Duration.ofSeconds(10), GoDuration.parse("10s"));
        assertEquals(Duration.ofSeconds(90), GoDuration.parse("1m30s"));
        assertEquals(Duration.ofMillis(500), GoDuration.parse("500ms"));
        assertEquals(Duration.ofMillis(1500), GoDuration.parse("1.5s"));
        assertEquals(Duration.ofHours(2), GoDuration.parse("2h"));
        assertEquals(Duration.ZERO, GoDuration.parse("0"));
    }

    @Test
    void formatsAsTheConfigWritesAndParsesBack() {
        assertEquals("1m30s", GoDuration.format(Duration.ofSeconds(90)));
        assertEquals("5s", GoDuration.format(Duration.ofSeconds(5)));
        assertEquals("2h", GoDuration.format(Duration.ofHours(2)));
        for (Duration d : new Duration[] {Duration.ofSeconds(90), Duration.ofMillis(1500), Duration.ofHours(25)}) {
            assertEquals(d, GoDuration.parse(GoDuration.format(d)), d.toString());
        }
    }

    @Test
    void rejectsWhatGoRejects() {
        for (String bad : new String[] {"", "10", "s", "10x", "-5s", "1m 30s", "ten seconds"}) {
            assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(bad), bad);
        }
    }
}
