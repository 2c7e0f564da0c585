package io.ebpfexporter.server;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.server.config.CommandLine;
import io.ebpfexporter.server.config.ConfigFlags;
import io.ebpfexporter.server.config.EnabledCollectors;
import io.ebpfexporter.server.config.StartupException;
import io.ebpfexporter.server.scrape.BuildInfo;

import java.util.List;

/** Entry point. A start-up failure prints one line naming the problem and the fix, and exits 2. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        OneLineLogging.install();
        try {
            List<Collector> collectors = EnabledCollectors.discover();
            ConfigFlags keys = new ConfigFlags(collectors);
            CommandLine commandLine = CommandLine.parse(keys, args);
            if (commandLine.help()) {
                System.out.print(CommandLine.usage(keys));
                return;
            }
            if (commandLine.version()) {
                BuildInfo build = BuildInfo.load();
                System.out.println("ebpf-exporter " + build.version() + " (revision " + build.revision() + ")");
                return;
            }
            Exporter exporter = Exporter.start(commandLine, collectors, keys);
            Signals.handle(exporter);
        } catch (StartupException e) {
            System.err.println("ebpf-exporter: " + e.getMessage());
            System.exit(2);
        }
    }
}
