package io.ebpfexporter.core.config;

import java.util.List;
import java.util.Locale;

/**
 * One config key, declared once next to the code that reads it: its kind, default, help and the
 * command-line aliases it keeps from the seed. The server derives from these the YAML validation, a
 * flag per key ({@code --<full key>}, plus the aliases), {@code --help} and every default.
 *
 * @param key          the key under its section: {@code stats.mode} for a collector's
 *                     {@code collectors.programs.stats.mode}, the full key for the server's own
 * @param defaultValue the value when nothing sets it, or null when the key has none (it may be required)
 */
public record Setting(String key, Kind kind, String defaultValue, String help, List<String> aliases,
                      List<String> choices) {

    public enum Kind {
        SWITCH("true or false"),
        TEXT("a value"),
        CHOICE("one of"),
        DURATION("a duration such as 10s or 1m30s"),
        COUNT("a whole number of at least 1"),
        PORT("a port number from 0 to 65535");

        private final String describe;

        Kind(String describe) {
            this.describe = describe;
        }
    }

    public Setting {
        aliases = List.copyOf(aliases);
        choices = List.copyOf(choices);
    }

    public static Setting bool(String key, boolean defaultValue, String help, String... aliases) {
        return new Setting(key, Kind.SWITCH, Boolean.toString(defaultValue), help, List.of(aliases), List.of());
    }

    public static Setting text(String key, String defaultValue, String help, String... aliases) {
        return new Setting(key, Kind.TEXT, defaultValue, help, List.of(aliases), List.of());
    }

    public static Setting choice(String key, List<String> choices, String defaultValue, String help, String... aliases) {
        return new Setting(key, Kind.CHOICE, defaultValue, help, List.of(aliases), choices);
    }

    /** A duration in Go syntax; {@code defaultValue} null for none. */
    public static Setting duration(String key, String defaultValue, String help, String... aliases) {
        return new Setting(key, Kind.DURATION, defaultValue, help, List.of(aliases), List.of());
    }

    public static Setting count(String key, int defaultValue, String help, String... aliases) {
        return new Setting(key, Kind.COUNT, Integer.toString(defaultValue), help, List.of(aliases), List.of());
    }

    public static Setting port(String key, int defaultValue, String help, String... aliases) {
        return new Setting(key, Kind.PORT, Integer.toString(defaultValue), help, List.of(aliases), List.of());
    }

    /** What a value must be, for messages: "a duration such as 10s or 1m30s", "one of disabled, enabled". */
    public String expected() {
        return kind == Kind.CHOICE ? kind.describe + " " + String.join(", ", choices) : kind.describe;
    }

    /**
     * The value in its normal form (trimmed; switches and choices lowercase); throws
     * {@link IllegalArgumentException} saying "must be …, not '…'" when it does not fit the kind.
     */
    public String check(String value) {
        String v = value.trim();
        String lower = v.toLowerCase(Locale.ROOT);
        boolean ok = switch (kind) {
            case SWITCH -> List.of("true", "false", "1", "0").contains(lower);
            case TEXT -> true;
            case CHOICE -> choices.contains(lower);
            case DURATION -> parses(() -> GoDuration.parse(v));
            case COUNT -> parses(() -> Integer.parseInt(v)) && Integer.parseInt(v) >= 1;
            case PORT -> parses(() -> Integer.parseInt(v)) && Integer.parseInt(v) >= 0 && Integer.parseInt(v) <= 65535;
        };
        if (!ok) {
            throw new IllegalArgumentException("must be " + expected() + ", not '" + value + "'");
        }
        return switch (kind) {
            case SWITCH -> Boolean.toString(lower.equals("true") || lower.equals("1"));
            case CHOICE -> lower;
            default -> v;
        };
    }

    private static boolean parses(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
