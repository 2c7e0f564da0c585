package io.ebpfexporter.testkit;

import io.ebpfexporter.core.Settings;

import java.util.Map;
import java.util.Optional;

/** A collector's settings from a plain map, as if read from {@code collectors.<name>} in YAML. */
public record MapSettings(String collector, Map<String, String> values) implements Settings {
    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public String where(String key) {
        return "collectors." + collector + "." + key;
    }
}
