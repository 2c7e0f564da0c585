package io.ebpfexporter.server;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.Naming;
import io.ebpfexporter.core.Settings;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.config.ConfigSources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.Set;
import java.util.TreeSet;

/**
 * The exporter's configuration: the built-in application.yaml, overridden by the file given with
 * {@code --config.file}, overridden in turn by Helidon's environment-variable and system-property
 * sources. Keys written in a YAML file are checked strictly, so a typo fails at startup by name.
 */
final class ExporterConfig {
    private static final Set<String> SERVER_KEYS = Set.of("host", "port", "metrics-path", "log-level", "max-requests");
    private static final Set<String> METRICS_KEYS = Set.of("naming");
    private static final Set<String> SECTIONS = Set.of("server", "collectors", "metrics");

    private final Config config;
    private final Optional<Config> file;
    private final String fileName;

    private ExporterConfig(Config config, Optional<Config> file, String fileName) {
        this.config = config;
        this.file = file;
        this.fileName = fileName;
    }

    /** The config; {@code overrides} (from command-line flags) win over the file and the defaults. */
    static ExporterConfig load(Optional<Path> path, Map<String, String> overrides) {
        var defaults = ConfigSources.classpath("application.yaml").mediaType(MediaTypes.APPLICATION_YAML);
        var flags = ConfigSources.create(overrides);
        try {
            if (path.isEmpty()) {
                return new ExporterConfig(Config.builder().addSource(flags).addSource(defaults).build(), Optional.empty(),
                        "application.yaml");
            }
            Path p = path.get();
            Config fileOnly = yamlFile(p, "config file", "--config.file");
            Config merged = Config.builder()
                    .addSource(flags)
                    .addSource(ConfigSources.file(p).mediaType(MediaTypes.APPLICATION_YAML))
                    .addSource(defaults)
                    .build();
            return new ExporterConfig(merged, Optional.of(fileOnly), p.toString());
        } catch (ConfigException e) {
            throw new StartupException("cannot read config " + path.map(Path::toString).orElse("application.yaml")
                    + ": " + firstLine(e) + "; fix the YAML syntax");
        }
    }

    /**
     * The YAML file alone, without environment or system-property sources, for checking the keys
     * written in it; {@code what} and {@code flag} name it in the error when it cannot be read.
     */
    static Config yamlFile(Path file, String what, String flag) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new StartupException(what + " " + file + " does not exist or cannot be read;"
                    + " pass a readable YAML file with " + flag);
        }
        return Config.builder()
                .addSource(ConfigSources.file(file).mediaType(MediaTypes.APPLICATION_YAML))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }

    String host() {
        return config.get("server.host").asString().orElse("0.0.0.0");
    }

    int port() {
        String value = config.get("server.port").asString().orElse("11000");
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StartupException("server.port must be a port number from 0 to 65535, not '" + value + "'");
    }

    /** server.log-level: the java.util.logging level for the exporter's own log lines. */
    Level logLevel() {
        String value = config.get("server.log-level").asString().orElse("info").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "warn", "warning" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> throw new StartupException("server.log-level (--log-level) must be debug, info, warn or error,"
                    + " not '" + value + "'");
        };
    }

    /** server.max-requests: concurrent requests per listener before 503 (the exporter-toolkit default, 40). */
    int maxRequests() {
        String value = config.get("server.max-requests").asString().orElse("40").trim();
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StartupException("server.max-requests must be a whole number of at least 1, not '" + value + "'");
    }

    String metricsPath() {
        String path = config.get("server.metrics-path").asString().orElse("/metrics");
        if (!path.startsWith("/") || path.equals("/")) {
            throw new StartupException("server.metrics-path must start with '/' and not be '/', not '" + path + "'");
        }
        return path;
    }

    /** {@code metrics.naming}: {@code standard} (Prometheus conventions, the default) or {@code seed}. */
    Naming naming() {
        String value = config.get("metrics.naming").asString().orElse("standard").trim();
        return switch (value) {
            case "standard" -> Naming.STANDARD;
            case "seed" -> Naming.SEED;
            default -> throw new StartupException("metrics.naming must be standard or seed, not '" + value + "'");
        };
    }

    /** The config subtree of one collector, {@code collectors.<name>}. */
    Settings collectorSettings(String name) {
        Config node = config.get("collectors").get(name);
        Naming naming = naming();
        return new Settings() {
            @Override
            public Naming naming() {
                return naming;
            }

            @Override
            public Optional<String> get(String key) {
                return node.get(key).asString().asOptional();
            }

            @Override
            public String where(String key) {
                return "collectors." + name + "." + key;
            }
        };
    }

    /** Fails on any key of the YAML file that neither the server nor a discovered collector knows. */
    void validate(Collection<Collector> collectors) {
        if (file.isEmpty()) {
            return;
        }
        Set<String> names = new TreeSet<>();
        collectors.forEach(c -> names.add(c.name()));
        file.get().traverse().filter(Config::isLeaf).forEach(leaf -> {
            String key = leaf.key().toString();
            String[] parts = key.split("\\.", 3);
            if (!SECTIONS.contains(parts[0])) {
                throw unknown("config key '" + key + "'", "the top-level keys are " + String.join(", ", new TreeSet<>(SECTIONS)));
            }
            if (parts.length == 1) {
                return; // an empty section
            }
            if (parts[0].equals("server") && !SERVER_KEYS.contains(key.substring("server.".length()))) {
                throw unknown("config key '" + key + "'", "server takes " + String.join(", ", new TreeSet<>(SERVER_KEYS)));
            }
            if (parts[0].equals("metrics") && !METRICS_KEYS.contains(key.substring("metrics.".length()))) {
                throw unknown("config key '" + key + "'", "metrics takes " + String.join(", ", new TreeSet<>(METRICS_KEYS)));
            }
            if (parts[0].equals("collectors")) {
                if (!names.contains(parts[1])) {
                    throw unknown("collector '" + parts[1] + "' (config key '" + key + "')",
                            "the collectors are " + String.join(", ", names));
                }
                Collector collector = collectors.stream().filter(c -> c.name().equals(parts[1])).findFirst().orElseThrow();
                Set<String> allowed = new TreeSet<>(collector.settingKeys());
                allowed.add("enabled");
                if (parts.length == 3 && !allowed.contains(parts[2])) {
                    throw unknown("config key '" + key + "'",
                            "collectors." + parts[1] + " takes " + String.join(", ", allowed));
                }
            }
        });
    }

    private StartupException unknown(String what, String hint) {
        return new StartupException("unknown " + what + " in " + fileName + "; " + hint);
    }

    /** The root cause's message, first line only: a start-up error is one line. */
    static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        return message.lines().findFirst().orElse(message).trim();
    }
}
