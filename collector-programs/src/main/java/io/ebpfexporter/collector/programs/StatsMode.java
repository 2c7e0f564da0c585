package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.config.Setting;
import io.ebpfexporter.core.config.Settings;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** {@code collectors.programs.stats}: whether and when the exporter turns on program run statistics. */
record StatsMode(Kind kind, Duration interval, Duration duration) {
    enum Kind { DISABLED, ENABLED, SAMPLE }

    static final Setting MODE = Setting.choice("stats.mode",
            Arrays.stream(Kind.values()).map(k -> k.name().toLowerCase(Locale.ROOT)).toList(), "disabled",
            "whether the exporter turns on program run statistics (run counts and time)", "--prog-stats-mode");
    static final Setting INTERVAL = Setting.duration("stats.sample_interval", null,
            "sample mode: how often a stats window opens, e.g. 30s; required in sample mode",
            "--prog-stats-sample-interval");
    static final Setting DURATION = Setting.duration("stats.sample_duration", null,
            "sample mode: how long a window stays open, shorter than the interval, e.g. 5s; required in sample mode",
            "--prog-stats-sample-duration");
    static final List<Setting> ALL = List.of(MODE, INTERVAL, DURATION);

    static final StatsMode DISABLED = new StatsMode(Kind.DISABLED, Duration.ZERO, Duration.ZERO);

    static StatsMode from(Settings settings) {
        Kind kind = Kind.valueOf(settings.value(MODE).orElseThrow().toUpperCase(Locale.ROOT));
        if (kind != Kind.SAMPLE) {
            return kind == Kind.DISABLED ? DISABLED : new StatsMode(kind, Duration.ZERO, Duration.ZERO);
        }
        Duration interval = required(settings, INTERVAL);
        Duration duration = required(settings, DURATION);
        if (duration.compareTo(interval) >= 0) {
            throw new IllegalArgumentException(settings.where(DURATION.key()) + " (" + settings.get(DURATION.key())
                    .orElseThrow() + ") must be shorter than " + settings.where(INTERVAL.key()) + " ("
                    + settings.get(INTERVAL.key()).orElseThrow() + ")");
        }
        return new StatsMode(kind, interval, duration);
    }

    private static Duration required(Settings settings, Setting setting) {
        Duration d = settings.duration(setting).orElseThrow(() -> new IllegalArgumentException(settings.where(MODE.key())
                + " sample needs " + settings.where(setting.key()) + " (a duration such as 30s)"));
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(settings.where(setting.key()) + " must be a positive duration such as 30s");
        }
        return d;
    }

    /** The share of time counting is on in sample mode, by which rates read low. */
    double sampleRatio() {
        return (double) duration.toNanos() / interval.toNanos();
    }
}
