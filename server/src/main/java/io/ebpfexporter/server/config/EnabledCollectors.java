package io.ebpfexporter.server.config;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.config.Setting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** Which collectors run: those on the module path that the config and flags turn on, each configured. */
public final class EnabledCollectors {
    private EnabledCollectors() {
    }

    /** Every collector module on the module path, by name. */
    public static List<Collector> discover() {
        List<Collector> found = new ArrayList<>();
        ServiceLoader.load(Collector.class).forEach(found::add);
        found.sort(Comparator.comparing(Collector::name));
        return found;
    }

    /** Each of {@code chosen} configured from {@code config}; a refused setting closes those already configured. */
    public static List<Collector> configure(List<Collector> chosen, ExporterConfig config) {
        List<Collector> configured = new ArrayList<>();
        try {
            for (Collector collector : chosen) {
                collector.configure(config.collectorSettings(collector.name()));
                configured.add(collector);
            }
        } catch (IllegalArgumentException e) {
            configured.forEach(Collector::close);
            throw new StartupException(e.getMessage());
        }
        return configured;
    }

    /**
     * The {@code discovered} collectors that {@code config} turns on, or, where it is silent, their defaults
     * unless {@code disableDefaults}; none at all is a mistake, said before anything else runs.
     */
    public static List<Collector> chosen(List<Collector> discovered, ExporterConfig config, boolean disableDefaults) {
        List<Collector> chosen = new ArrayList<>();
        for (Collector collector : discovered) {
            var settings = config.collectorSettings(collector.name());
            Setting enabled = ConfigFlags.enabled(collector);
            boolean on = settings.get(enabled.key()).isPresent() ? settings.bool(enabled)
                    : collector.enabledByDefault() && !disableDefaults;
            if (on) {
                chosen.add(collector);
            }
        }
        if (chosen.isEmpty()) {
            throw new StartupException("every collector is off" + (disableDefaults ? " (--collector.disable-defaults)" : "")
                    + "; turn at least one on, e.g. --collector.prog or collectors.programs.enabled: true");
        }
        return chosen;
    }
}
