package io.ebpfexporter.testkit;

import io.ebpfexporter.core.config.Settings;
import io.ebpfexporter.core.kernel.Naming;

import java.util.Map;
import java.util.Optional;

/** A collector's settings from a plain map, as if read from {@code collectors.<name>} in YAML. */
public record MapSettings(String collector, Map<String, String> values, Naming naming) implements Settings {

    public MapSettings(String collector, Map<String, String> values) {
        this(collector, values, Naming.STANDARD);
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public String where(String key) {
        return "collectors." + collector + "." + key;
    }
}
