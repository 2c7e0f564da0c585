package io.ebpfexporter.server;

import java.nio.file.Path;
import java.util.Optional;

/** The command-line flags, in the {@code --name=value} or {@code --name value} forms. */
record CommandLine(Optional<Path> configFile, boolean help, boolean version) {

    static final String USAGE = """
            Usage: ebpf-exporter [flags]

            Flags:
              --config.file=PATH  YAML config file; its keys override the built-in defaults
              --help              show this help and exit
              --version           print the version and exit
            """;

    static CommandLine parse(String... args) {
        Optional<Path> configFile = Optional.empty();
        boolean help = false;
        boolean version = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--version" -> version = true;
                case "--config.file" -> {
                    String value;
                    if (arg.contains("=")) {
                        value = arg.substring(arg.indexOf('=') + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new StartupException("--config.file needs a path, as in --config.file=/etc/ebpf-exporter.yaml");
                    }
                    configFile = Optional.of(Path.of(value));
                }
                default -> throw new StartupException("unknown flag '" + arg + "'; see --help for the flags");
            }
        }
        return new CommandLine(configFile, help, version);
    }
}
