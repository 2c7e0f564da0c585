package io.ebpfexporter.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in Go's syntax ({@code 10s}, {@code 1m30s}, {@code 500ms}), as the seed's flags took them. */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private GoDuration() {
    }

    public static Duration parse(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        long nanos = 0;
        int at = 0;
        while (at < s.length() && m.find(at) && m.start() == at) {
            double value = Double.parseDouble(m.group(1));
            nanos += Math.round(value * switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            });
            at = m.end();
        }
        if (s.isEmpty() || at != s.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write it like 10s, 1m30s or 500ms");
        }
        return Duration.ofNanos(nanos);
    }

    /** The duration as a config file writes it, 1m30s for PT1M30S, so log lines speak like the config. */
    public static String format(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
