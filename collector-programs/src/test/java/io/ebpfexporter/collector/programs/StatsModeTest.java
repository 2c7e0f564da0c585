package io.ebpfexporter.collector.programs;

import io.ebpfexporter.testkit.MapSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** stats.* config: each mistake is one message naming the key and the fix. */
class StatsModeTest {

    private static String error(Map<String, String> values) {
        return assertThrows(IllegalArgumentException.class,
                () -> StatsMode.from(new MapSettings("programs", values))).getMessage();
    }

    @Test
    void defaultsToDisabled() {
        assertEquals(StatsMode.Kind.DISABLED, StatsMode.from(new MapSettings("programs", Map.of())).kind());
    }

    @Test
    void sampleNeedsBothDurationsAndAShorterWindow() {
        assertEquals("collectors.programs.stats.mode sample needs collectors.programs.stats.sample_interval"
                + " (a duration such as 30s)", error(Map.of("stats.mode", "sample", "stats.sample_duration", "5s")));
        assertEquals("collectors.programs.stats.sample_duration (30s) must be shorter than"
                        + " collectors.programs.stats.sample_interval (30s)",
                error(Map.of("stats.mode", "sample", "stats.sample_interval", "30s", "stats.sample_duration", "30s")));
        assertEquals("collectors.programs.stats.mode must be one of disabled, enabled, sample, not 'sampled'",
                error(Map.of("stats.mode", "sampled")));
        StatsMode ok = StatsMode.from(new MapSettings("programs",
                Map.of("stats.mode", "sample", "stats.sample_interval", "30s", "stats.sample_duration", "5s")));
        assertEquals(5.0 / 30, ok.sampleRatio(), 1e-12);
    }
}
