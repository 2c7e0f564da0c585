package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.Settings;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code collectors.programs.stats}: whether and when the exporter turns on program run statistics. */
record StatsMode(Kind kind, Duration interval, Duration duration) {
    static final String MODE = "stats.mode";
    static final String INTERVAL = "stats.sample_interval";
    static final String DURATION = "stats.sample_duration";

    enum Kind { DISABLED, ENABLED, SAMPLE }

    static final StatsMode DISABLED = new StatsMode(Kind.DISABLED, Duration.ZERO, Duration.ZERO);

    static StatsMode from(Settings settings) {
        String text = settings.get(MODE).orElse("disabled").trim().toLowerCase(Locale.ROOT);
        Kind kind = Arrays.stream(Kind.values()).filter(k -> k.name().toLowerCase(Locale.ROOT).equals(text))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(settings.where(MODE) + " must be one of "
                        + Arrays.stream(Kind.values()).map(k -> k.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", ")) + ", not '" + text + "'"));
        if (kind != Kind.SAMPLE) {
            return kind == Kind.DISABLED ? DISABLED : new StatsMode(kind, Duration.ZERO, Duration.ZERO);
        }
        Duration interval = required(settings, INTERVAL);
        Duration duration = required(settings, DURATION);
        if (duration.compareTo(interval) >= 0) {
            throw new IllegalArgumentException(settings.where(DURATION) + " (" + settings.get(DURATION).orElseThrow()
                    + ") must be shorter than " + settings.where(INTERVAL) + " (" + settings.get(INTERVAL).orElseThrow()
                    + ")");
        }
        return new StatsMode(kind, interval, duration);
    }

    private static Duration required(Settings settings, String key) {
        Duration d = settings.duration(key).orElseThrow(() -> new IllegalArgumentException(
                settings.where(MODE) + " sample needs " + settings.where(key) + " (a duration such as 30s)"));
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(settings.where(key) + " must be a positive duration such as 30s");
        }
        return d;
    }

    /** The share of time counting is on in sample mode, by which rates read low. */
    double sampleRatio() {
        return (double) duration.toNanos() / interval.toNanos();
    }
}
