package io.ebpfexporter.server.config;

import io.ebpfexporter.core.config.GoDuration;
import io.ebpfexporter.core.config.Setting;
import io.ebpfexporter.core.config.Settings;
import io.ebpfexporter.core.kernel.Naming;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.config.ConfigSources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;

/**
 * The exporter's configuration, highest precedence first: command-line flags, Java system properties
 * and environment variables (Helidon's mapping: {@code SERVER_PORT} for {@code server.port}), the
 * file given with {@code --config.file}, and the defaults each {@link Setting} declares. Keys written
 * in a YAML file are checked strictly, so a typo fails at startup by name.
 */
public final class ExporterConfig {
    private final Config config;
    private final Optional<Config> file;
    private final String fileName;

    private ExporterConfig(Config config, Optional<Config> file, String fileName) {
        this.config = config;
        this.file = file;
        this.fileName = fileName;
    }

    /** The config; {@code overrides} (from command-line flags) win over everything else. */
    public static ExporterConfig load(Optional<Path> path, Map<String, String> overrides) {
        var builder = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(overrides))
                .addSource(ConfigSources.systemProperties())
                .addSource(ConfigSources.environmentVariables());
        if (path.isEmpty()) {
            return new ExporterConfig(builder.build(), Optional.empty(), "");
        }
        Path p = path.get();
        try {
            Config fileOnly = yamlFile(p, "config file", "--config.file");
            builder.addSource(ConfigSources.file(p).mediaType(MediaTypes.APPLICATION_YAML));
            return new ExporterConfig(builder.build(), Optional.of(fileOnly), p.toString());
        } catch (ConfigException e) {
            throw new StartupException("cannot read config " + p + ": " + firstLine(e) + "; fix the YAML syntax");
        }
    }

    /**
     * The YAML file alone, without environment or system-property sources, for checking the keys
     * written in it; {@code what} and {@code flag} name it in the error when it cannot be read.
     */
    public static Config yamlFile(Path file, String what, String flag) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new StartupException(what + " " + file + " does not exist or cannot be read;"
                    + " pass a readable YAML file with " + flag);
        }
        YamlCheck.check(file);
        return Config.builder()
                .addSource(ConfigSources.file(file).mediaType(MediaTypes.APPLICATION_YAML))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }

    /** A server setting's checked value, or its default. */
    String value(Setting setting) {
        String raw = config.get(setting.key()).asString().orElse(setting.defaultValue());
        try {
            return setting.check(raw);
        } catch (IllegalArgumentException e) {
            throw new StartupException(setting.key() + " " + e.getMessage());
        }
    }

    public String host() {
        return value(ServerSettings.HOST);
    }

    public int port() {
        return Integer.parseInt(value(ServerSettings.PORT));
    }

    /** The java.util.logging level for the exporter's own log lines. */
    public Level logLevel() {
        return switch (value(ServerSettings.LOG_LEVEL)) {
            case "debug" -> Level.FINE;
            case "warn" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> Level.INFO;
        };
    }

    /** Concurrent requests per listener before 503 (the exporter-toolkit default, 40). */
    public int maxRequests() {
        return Integer.parseInt(value(ServerSettings.MAX_REQUESTS));
    }

    public int maxConnections() {
        return Integer.parseInt(value(ServerSettings.MAX_CONNECTIONS));
    }

    public boolean exporterMetrics() {
        return !Boolean.parseBoolean(value(ServerSettings.DISABLE_EXPORTER_METRICS));
    }

    public Duration idleTimeout() {
        return positive(ServerSettings.IDLE_TIMEOUT);
    }

    public Duration headerTimeout() {
        return positive(ServerSettings.HEADER_TIMEOUT);
    }

    private Duration positive(Setting setting) {
        Duration d = GoDuration.parse(value(setting));
        if (d.isZero() || d.isNegative()) {
            throw new StartupException(setting.key() + " must be a positive duration such as " + setting.defaultValue());
        }
        return d;
    }

    public String metricsPath() {
        String path = value(ServerSettings.METRICS_PATH);
        if (!path.startsWith("/") || path.equals("/")) {
            throw new StartupException(ServerSettings.METRICS_PATH.key() + " must start with '/' and not be '/', not '"
                    + path + "'");
        }
        return path;
    }

    Naming naming() {
        return value(ServerSettings.NAMING).equals("seed") ? Naming.SEED : Naming.STANDARD;
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

    /**
     * Fails on the first value, from any source, that does not fit its key's kind, so that a mistake in
     * the config is reported before anything touches the kernel.
     */
    public void checkValues(ConfigFlags keys) {
        for (ConfigFlags.Key key : keys.keys()) {
            config.get(key.fullKey()).asString().ifPresent(value -> {
                try {
                    key.setting().check(value);
                } catch (IllegalArgumentException e) {
                    throw new StartupException(key.fullKey() + " " + e.getMessage());
                }
            });
        }
    }

    /** Fails on any key of the YAML file that no declared setting names. */
    public void validate(ConfigFlags keys) {
        if (file.isEmpty()) {
            return;
        }
        List<String> sections = keys.topLevel();
        file.get().traverse().filter(Config::isLeaf).forEach(leaf -> {
            String key = leaf.key().toString();
            String[] parts = key.split("\\.", 3);
            if (!sections.contains(parts[0])) {
                throw unknown("config key '" + key + "'", "the top-level keys are " + String.join(", ", sections));
            }
            if (parts.length == 1 || keys.key(key).isPresent()) {
                return; // an empty section, or a declared key
            }
            if (parts[0].equals("collectors")) {
                List<String> names = keys.keysUnder("collectors.").stream().map(k -> k.substring(0, k.indexOf('.')))
                        .distinct().toList();
                if (!names.contains(parts[1])) {
                    throw unknown("collector '" + parts[1] + "' (config key '" + key + "')",
                            "the collectors are " + String.join(", ", names));
                }
                if (parts.length == 2) {
                    return;
                }
                throw unknown("config key '" + key + "'", "collectors." + parts[1] + " takes "
                        + String.join(", ", keys.keysUnder("collectors." + parts[1] + ".")));
            }
            throw unknown("config key '" + key + "'", parts[0] + " takes " + String.join(", ", keys.keysUnder(parts[0] + ".")));
        });
    }

    private StartupException unknown(String what, String hint) {
        return new StartupException("unknown " + what + " in " + fileName + "; " + hint);
    }

    /** The root cause's message, first line only: a start-up error is one line. */
    public static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        return message.lines().findFirst().orElse(message).trim();
    }
}
