package io.ebpfexporter.core;

import java.time.Duration;
import java.util.Optional;

/** A collector's config subtree ({@code collectors.<name>}), as plain values; keys use dots for nesting. */
public interface Settings {

    /** The value at {@code key}, if the config sets it. */
    Optional<String> get(String key);

    default boolean bool(String key, boolean fallback) {
        return get(key).map(value -> switch (value.trim().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(
                    where(key) + " must be true or false, not '" + value + "'");
        }).orElse(fallback);
    }

    default long number(String key, long fallback) {
        return get(key).map(value -> {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where(key) + " must be a whole number, not '" + value + "'");
            }
        }).orElse(fallback);
    }

    default Optional<Duration> duration(String key) {
        return get(key).map(value -> {
            try {
                return GoDuration.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where(key) + ": " + e.getMessage());
            }
        });
    }

    /** The exporter-wide naming scheme ({@code metrics.naming}). */
    default Naming naming() {
        return Naming.STANDARD;
    }

    /** The full config key, for messages: {@code collectors.<name>.<key>}. */
    String where(String key);
}
