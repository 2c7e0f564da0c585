package io.ebpfexporter.core.config;

import io.ebpfexporter.core.kernel.Naming;
import java.time.Duration;
import java.util.Optional;

/**
 * A collector's config subtree ({@code collectors.<name>}), read through the {@link Setting}s the
 * collector declares: a key the config does not set takes its declared default.
 */
public interface Settings {

    /** The raw value at {@code key}, if the config sets it. */
    Optional<String> get(String key);

    /** The full config key, for messages: {@code collectors.<name>.<key>}. */
    String where(String key);

    /** The exporter-wide naming scheme ({@code metrics.naming}). */
    default Naming naming() {
        return Naming.STANDARD;
    }

    /** The setting's checked value, or its default; empty when neither exists. */
    default Optional<String> value(Setting setting) {
        return get(setting.key()).or(() -> Optional.ofNullable(setting.defaultValue())).map(v -> {
            try {
                return setting.check(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where(setting.key()) + " " + e.getMessage());
            }
        });
    }

    default boolean bool(Setting setting) {
        return value(setting).map(Boolean::parseBoolean).orElse(false);
    }

    default Optional<Duration> duration(Setting setting) {
        return value(setting).map(GoDuration::parse);
    }
}
