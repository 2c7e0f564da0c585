package io.ebpfexporter.server;

import io.ebpfexporter.core.GoDuration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command-line flags: the seed's (digitalocean-labs/ebpf_exporter) with the same meaning, the
 * Prometheus exporter conventions, and {@code --config.file}. Flags that mirror a config key become
 * overrides of that key, above the YAML file. Forms: {@code --name=value}, {@code --name value}, and
 * for switches {@code --name} / {@code --no-name}.
 */
record CommandLine(Optional<Path> configFile, boolean help, boolean version, Map<String, String> overrides,
                   List<ListenAddress> listenAddresses, boolean disableDefaults, boolean sdNotify, Optional<Path> webConfig) {

    private enum Kind { SWITCH, TEXT, DURATION, COUNT }

    /** A flag that sets one config key. */
    private record Mapped(String key, Kind kind, String help) {
    }

    private static final Map<String, Mapped> MAPPED = new LinkedHashMap<>();

    static {
        MAPPED.put("--metrics-path", new Mapped("server.metrics-path", Kind.TEXT, "path of the metrics endpoint (default /metrics)"));
        MAPPED.put("--web.telemetry-path", MAPPED.get("--metrics-path"));
        MAPPED.put("--log-level", new Mapped("server.log-level", Kind.TEXT, "debug, info, warn or error (default info)"));
        MAPPED.put("--web.max-requests", new Mapped("server.max-requests", Kind.COUNT,
                "concurrent scrapes served before answering 503 (default 40)"));
        MAPPED.put("--collector.prog", new Mapped("collectors.programs.enabled", Kind.SWITCH, "programs collector (default on)"));
        MAPPED.put("--collector.map", new Mapped("collectors.maps.enabled", Kind.SWITCH, "maps collector (default on)"));
        MAPPED.put("--collector.link", new Mapped("collectors.links.enabled", Kind.SWITCH, "links collector (default on)"));
        MAPPED.put("--collector.btf", new Mapped("collectors.btf.enabled", Kind.SWITCH, "btf collector (default on)"));
        MAPPED.put("--prog-stats-mode", new Mapped("collectors.programs.stats.mode", Kind.TEXT,
                "disabled, enabled or sample (default disabled)"));
        MAPPED.put("--prog-stats-sample-interval", new Mapped("collectors.programs.stats.sample_interval", Kind.DURATION,
                "sample mode: how often a stats window opens, e.g. 30s"));
        MAPPED.put("--prog-stats-sample-duration", new Mapped("collectors.programs.stats.sample_duration", Kind.DURATION,
                "sample mode: how long a window stays open, e.g. 5s"));
        MAPPED.put("--map-count-entries", new Mapped("collectors.maps.count_entries", Kind.SWITCH,
                "export ebpf_map_entries (default off)"));
    }

    static String usage(List<String> collectors) {
        StringBuilder out = new StringBuilder("""
                Usage: ebpf-exporter [flags]

                Flags:
                  --config.file=PATH               YAML config file; flags override its keys
                  --listen-addr=HOST:PORT          address to listen on, repeatable (default 0.0.0.0:11000;
                                                   :PORT means every interface); alias --web.listen-address
                  --web.config.file=PATH           TLS and basic auth, in the Prometheus exporter-toolkit format
                  --collector.disable-defaults     turn every collector off unless enabled by a flag or the config
                  --sd-notify                      tell systemd READY=1 once listening and STOPPING=1 on shutdown
                  --help                           show this help and exit
                  --version                        print the version and exit
                """);
        MAPPED.forEach((flag, mapped) -> {
            String form = flag + switch (mapped.kind) {
                case SWITCH -> "";
                case TEXT -> "=VALUE";
                case DURATION -> "=DURATION";
                case COUNT -> "=N";
            };
            String alias = flag.equals("--web.telemetry-path") ? "alias of --metrics-path" : mapped.help;
            out.append(String.format("  %-32s %s%n", form, alias));
        });
        out.append("\nSwitches also take --no-NAME or --NAME=false. Durations use Go syntax (10s, 1m30s).\n");
        out.append("Collectors: ").append(String.join(", ", collectors)).append(" (all on by default)\n");
        return out.toString();
    }

    static CommandLine parse(String... args) {
        Optional<Path> configFile = Optional.empty();
        Optional<Path> webConfig = Optional.empty();
        boolean help = false;
        boolean version = false;
        boolean disableDefaults = false;
        boolean sdNotify = false;
        Map<String, String> overrides = new LinkedHashMap<>();
        List<ListenAddress> listen = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean inline = arg.contains("=");
            String name = inline ? arg.substring(0, arg.indexOf('=')) : arg;
            boolean negated = name.startsWith("--no-");
            String flag = negated ? "--" + name.substring(5) : name;
            Mapped mapped = MAPPED.get(flag);
            boolean isSwitch = (mapped != null && mapped.kind == Kind.SWITCH)
                    || flag.equals("--collector.disable-defaults") || flag.equals("--sd-notify");
            if (negated && !isSwitch) {
                throw new StartupException("unknown flag '" + arg + "'; see --help for the flags");
            }
            String value;
            if (isSwitch) {
                value = negated ? "false" : inline ? bool(flag, arg.substring(arg.indexOf('=') + 1)) : "true";
            } else if (flag.equals("--help") || flag.equals("-h") || flag.equals("--version")) {
                value = "";
            } else if (inline) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < args.length && (MAPPED.containsKey(flag) || KNOWN_VALUED.contains(flag))) {
                value = args[++i];
            } else if (MAPPED.containsKey(flag) || KNOWN_VALUED.contains(flag)) {
                throw new StartupException(flag + " needs a value; see --help");
            } else {
                throw new StartupException("unknown flag '" + arg + "'; see --help for the flags");
            }
            switch (flag) {
                case "--help", "-h" -> help = true;
                case "--version" -> version = true;
                case "--config.file" -> configFile = Optional.of(Path.of(value));
                case "--web.config.file" -> webConfig = Optional.of(Path.of(value));
                case "--listen-addr", "--web.listen-address" -> listen.add(ListenAddress.parse(flag, value));
                case "--collector.disable-defaults" -> disableDefaults = Boolean.parseBoolean(value);
                case "--sd-notify" -> sdNotify = Boolean.parseBoolean(value);
                default -> overrides.put(mapped.key, check(flag, mapped.kind, value));
            }
        }
        return new CommandLine(configFile, help, version, overrides, listen, disableDefaults, sdNotify, webConfig);
    }

    private static final List<String> KNOWN_VALUED = List.of("--config.file", "--web.config.file", "--listen-addr",
            "--web.listen-address");

    private static String bool(String flag, String value) {
        return switch (value.toLowerCase()) {
            case "true", "1" -> "true";
            case "false", "0" -> "false";
            default -> throw new StartupException(flag + " takes true or false, not '" + value + "'");
        };
    }

    private static String check(String flag, Kind kind, String value) {
        try {
            switch (kind) {
                case DURATION -> GoDuration.parse(value);
                case COUNT -> {
                    if (Integer.parseInt(value) < 1) {
                        throw new NumberFormatException();
                    }
                }
                default -> { }
            }
            return value;
        } catch (IllegalArgumentException e) {
            throw new StartupException(flag + " must be " + (kind == Kind.COUNT ? "a whole number of at least 1"
                    : "a duration such as 10s or 1m30s") + ", not '" + value + "'");
        }
    }
}
