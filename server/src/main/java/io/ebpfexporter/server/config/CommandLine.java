package io.ebpfexporter.server.config;

import io.ebpfexporter.core.config.Setting;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command-line flags: one per config key ({@link ConfigFlags}: {@code --<full key>} and the seed's
 * aliases), which become overrides of that key above the YAML file, and the flags of the process
 * itself below. Forms: {@code --name=value}, {@code --name value}, and for switches {@code --name} /
 * {@code --no-name}; a single dash works too ({@code -listen-addr=:9435}), as in Go's flag package.
 */
public record CommandLine(Optional<Path> configFile, boolean help, boolean version, Map<String, String> overrides,
                   List<ListenAddress> listenAddresses, boolean disableDefaults, boolean sdNotify, Optional<Path> webConfig,
                   Optional<Path> readyFile) {

    /** Flags up to this width share their line with the help text; longer ones stand above it. */
    private static final int FLAG_COLUMN = 36;
    private static final List<String> SWITCHES = List.of("--collector.disable-defaults", "--sd-notify");
    private static final List<String> VALUED = List.of("--config.file", "--web.config.file", "--listen-addr",
            "--web.listen-address", "--ready-file");

    public static String usage(ConfigFlags flags) {
        StringBuilder out = new StringBuilder("Usage: ebpf-exporter [flags]\n\nProcess:\n");
        String listen = "address to listen on, repeatable (default " + ServerSettings.HOST.defaultValue() + ":"
                + ServerSettings.PORT.defaultValue() + "; :PORT means every interface)";
        for (String[] line : new String[][] {
                {"--config.file=PATH", "YAML config file; flags override its keys"},
                {"--listen-addr=HOST:PORT", listen},
                {"", "also --web.listen-address"},
                {"--web.config.file=PATH", "TLS and basic auth, in the Prometheus exporter-toolkit format"},
                {"--collector.disable-defaults", "turn every collector off unless enabled by a flag or the config"},
                {"--sd-notify", "tell systemd READY=1 once listening and STOPPING=1 on shutdown"},
                {"--ready-file=PATH", "once listening, write each listener's metrics URL to PATH, one a line"},
                {"--help", "show this help and exit"},
                {"--version", "print the version and exit"}}) {
            row(out, line[0], line[1]);
        }
        flags.describe(out, (flag, text) -> row(out, flag, text));
        out.append("\nSwitches also take --no-NAME or --NAME=false. Durations use Go syntax (10s, 1m30s).\n");
        return out.toString();
    }

    private static void row(StringBuilder out, String flag, String text) {
        String format = "  %-" + FLAG_COLUMN + "s %s%n";
        if (flag.length() > FLAG_COLUMN) {
            out.append("  ").append(flag).append('\n');
            flag = "";
        }
        out.append(String.format(format, flag, text));
    }

    public static CommandLine parse(ConfigFlags flags, String... args) {
        Optional<Path> configFile = Optional.empty();
        Optional<Path> webConfig = Optional.empty();
        Optional<Path> readyFile = Optional.empty();
        boolean help = false;
        boolean version = false;
        boolean disableDefaults = false;
        boolean sdNotify = false;
        Map<String, String> overrides = new LinkedHashMap<>();
        Map<String, String> given = new LinkedHashMap<>(); // config key or flag → the flag as typed, once each
        List<ListenAddress> listen = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String typed = args[i];
            String arg = goStyle(typed);
            boolean inline = arg.contains("=");
            String name = inline ? arg.substring(0, arg.indexOf('=')) : arg;
            boolean negated = name.startsWith("--no-");
            String flag = negated ? "--" + name.substring(5) : name;
            Optional<ConfigFlags.Key> key = flags.flag(flag);
            boolean isSwitch = key.map(k -> k.setting().kind() == Setting.Kind.SWITCH)
                    .orElse(SWITCHES.contains(flag));
            if (negated && !isSwitch) {
                throw new StartupException("unknown flag '" + typed + "'; see --help for the flags");
            }
            String value;
            if (isSwitch) {
                value = negated ? "false" : inline ? arg.substring(arg.indexOf('=') + 1) : "true";
            } else if (flag.equals("--help") || flag.equals("-h") || flag.equals("--version")) {
                value = "";
            } else if (inline) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (key.isPresent() || VALUED.contains(flag)) {
                if (i + 1 >= args.length) {
                    throw new StartupException(flag + " needs a value; see --help");
                }
                value = args[++i];
            } else {
                throw new StartupException("unknown flag '" + typed + "'; see --help for the flags");
            }
            String once = key.map(ConfigFlags.Key::fullKey).orElse(flag);
            if (!flag.equals("--listen-addr") && !flag.equals("--web.listen-address") && given.containsKey(once)) {
                throw new StartupException(flag + " is given twice (" + given.get(once) + " and " + arg
                        + "); give it once");
            }
            given.put(once, arg);
            if (key.isPresent()) {
                overrides.put(key.get().fullKey(), check(flag, key.get(), value));
                continue;
            }
            switch (flag) {
                case "--help", "-h" -> help = true;
                case "--version" -> version = true;
                case "--config.file" -> configFile = Optional.of(Path.of(value));
                case "--web.config.file" -> webConfig = Optional.of(Path.of(value));
                case "--ready-file" -> readyFile = Optional.of(Path.of(value));
                case "--listen-addr", "--web.listen-address" -> listen.add(ListenAddress.parse(flag, value));
                case "--collector.disable-defaults" -> disableDefaults = Boolean.parseBoolean(bool(flag, value));
                case "--sd-notify" -> sdNotify = Boolean.parseBoolean(bool(flag, value));
                default -> throw new IllegalStateException("unhandled flag " + flag);
            }
        }
        return new CommandLine(configFile, help, version, overrides, listen, disableDefaults, sdNotify, webConfig,
                readyFile);
    }

    /** Go's flag package takes {@code -name} as well as {@code --name}, and the seed's users type it so. */
    private static String goStyle(String arg) {
        return arg.length() > 2 && arg.charAt(0) == '-' && Character.isLetter(arg.charAt(1)) ? "-" + arg : arg;
    }

    private static String bool(String flag, String value) {
        return check(flag, new ConfigFlags.Key(flag, Setting.bool(flag, false, "")), value);
    }

    private static String check(String flag, ConfigFlags.Key key, String value) {
        try {
            return key.setting().check(value);
        } catch (IllegalArgumentException e) {
            throw new StartupException(flag + " " + e.getMessage());
        }
    }
}
