package io.ebpfexporter.server;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.kernel.KernelLimits;
import io.ebpfexporter.core.kernel.MemlockLimit;
import io.ebpfexporter.core.refs.PinnedObjects;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.server.config.CommandLine;
import io.ebpfexporter.server.config.ConfigFlags;
import io.ebpfexporter.server.config.EnabledCollectors;
import io.ebpfexporter.server.config.ExporterConfig;
import io.ebpfexporter.server.config.ListenAddress;
import io.ebpfexporter.server.config.StartupException;
import io.ebpfexporter.server.http.BasicAuth;
import io.ebpfexporter.server.http.Listeners;
import io.ebpfexporter.server.http.Routes;
import io.ebpfexporter.server.http.WebConfig;
import io.ebpfexporter.server.http.WebConfigWatch;
import io.ebpfexporter.server.scrape.BuildInfo;
import io.ebpfexporter.server.scrape.ExporterHealth;
import io.ebpfexporter.server.scrape.ObjectAccess;
import io.ebpfexporter.server.scrape.Scrape;
import io.ebpfexporter.server.scrape.ScrapeThreads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/** The running exporter: the configured collectors behind the HTTP listeners. */
final class Exporter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Exporter.class.getName());

    private final List<Collector> collectors;
    private final ObjectSource objects;
    private final Listeners listeners;
    private final WebConfigWatch webConfig;
    private final boolean sdNotify;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Exporter(List<Collector> collectors, ObjectSource objects, Listeners listeners, WebConfigWatch webConfig,
                     boolean sdNotify) {
        this.collectors = collectors;
        this.objects = objects;
        this.listeners = listeners;
        this.webConfig = webConfig;
        this.sdNotify = sdNotify;
    }

    /** Starts {@code discovered} collectors as {@code commandLine} and the config they derive {@code keys} from say. */
    static Exporter start(CommandLine commandLine, List<Collector> discovered, ConfigFlags keys) {
        ExporterConfig config = loadConfig(commandLine, keys);
        WebConfig web = commandLine.webConfig().map(WebConfig::load).orElse(WebConfig.none());
        List<Collector> chosen = EnabledCollectors.chosen(discovered, config, commandLine.disableDefaults());
        ObjectAccess access = ObjectAccess.choose();
        try {
            return start(commandLine, config, web, chosen, access);
        } catch (RuntimeException e) {
            access.host().objects().close(); // the kept iterator programs, under reduced privileges
            throw e;
        }
    }

    /** The steps once the objects are reachable: a failing one closes what the steps before it opened. */
    private static Exporter start(CommandLine commandLine, ExporterConfig config, WebConfig web, List<Collector> chosen,
                                  ObjectAccess access) {
        String release = kernelRelease();
        MemlockLimit.liftForOldKernels(release);
        List<Collector> enabled = EnabledCollectors.configure(chosen, config);
        try {
            BuildInfo build = BuildInfo.load();
            Scrape scrape = new Scrape(enabled, build, access.host(), ScrapeThreads.HOST,
                    config.exporterMetrics() ? ExporterHealth.create() : ExporterHealth.none());
            BasicAuth auth = new BasicAuth(web.users());
            Listeners listeners = Listeners.start(listenAddresses(commandLine, config), config, web,
                    new Routes(config.metricsPath(), scrape, build, auth));
            try {
                List<String> urls = listeners.urls(config.metricsPath());
                logStarted(build, release, enabled, urls, access);
                Exporter exporter = new Exporter(enabled, access.host().objects(), listeners,
                        WebConfigWatch.start(commandLine.webConfig(), web, auth, listeners), commandLine.sdNotify());
                exporter.announceReady(commandLine, urls);
                return exporter;
            } catch (RuntimeException e) {
                listeners.close();
                throw e;
            }
        } catch (RuntimeException e) {
            enabled.forEach(Collector::close);
            throw e;
        }
    }

    /** The config file with the flags over it, checked, its log level in force. */
    private static ExporterConfig loadConfig(CommandLine commandLine, ConfigFlags keys) {
        ExporterConfig config = ExporterConfig.load(commandLine.configFile(), commandLine.overrides());
        OneLineLogging.level(config.logLevel());
        config.validate(keys);
        config.checkValues(keys);
        return config;
    }

    /** Every {@code --listen-addr}, or else the config's one host and port. */
    private static List<ListenAddress> listenAddresses(CommandLine commandLine, ExporterConfig config) {
        return commandLine.listenAddresses().isEmpty()
                ? List.of(new ListenAddress(config.host(), config.port()))
                : commandLine.listenAddresses();
    }

    private static void logStarted(BuildInfo build, String release, List<Collector> enabled, List<String> urls,
                                   ObjectAccess access) {
        List<String> limits = KernelLimits.found();
        LOG.log(System.Logger.Level.INFO, "ebpf-exporter {0} (revision {1}) on Linux {2}; collectors on: {3};"
                        + " listening on {4}{5}{6}{7}",
                build.version(), build.revision(), release,
                enabled.stream().map(Exporter::describe).collect(Collectors.joining(", ")),
                String.join(", ", urls), limits.isEmpty() ? "" : "; kernel limitations: " + String.join("; ", limits),
                access.note().isEmpty() ? "" : "; " + access.note(),
                PinnedObjects.unreadable().map(why -> "; pins absent: the pin walk " + why).orElse(""));
    }

    /** The ready file with the metrics URLs, and systemd's READY=1, once the exporter serves scrapes. */
    private void announceReady(CommandLine commandLine, List<String> urls) {
        try {
            commandLine.readyFile().ifPresent(file -> ReadyFile.write(file, urls));
        } catch (StartupException e) {
            close();
            throw e;
        }
        if (sdNotify) {
            SystemdNotify.send("READY=1");
        }
    }

    /** Reads the web config file again (SIGHUP). */
    void reloadWebConfig(String why) {
        webConfig.reload(why);
    }

    int port() {
        return listeners.port();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        webConfig.close();
        if (sdNotify) {
            SystemdNotify.send("STOPPING=1");
        }
        listeners.close();
        collectors.forEach(Collector::close);
        objects.close();
    }

    private static String describe(Collector collector) {
        String note = collector.startupNote();
        return note.isEmpty() ? collector.name() : collector.name() + " (" + note + ")";
    }

    private static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return "(unknown release)";
        }
    }
}
