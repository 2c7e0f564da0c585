package io.ebpfexporter.server;

import io.ebpfexporter.core.BpfException;
import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.Errno;
import io.ebpfexporter.core.ObjectWalk;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The running exporter: the configured collectors behind a Helidon WebServer. */
final class Exporter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Exporter.class.getName());

    private final List<Collector> collectors;
    private final WebServer server;

    private Exporter(List<Collector> collectors, WebServer server) {
        this.collectors = collectors;
        this.server = server;
    }

    static Exporter start(CommandLine commandLine) {
        ExporterConfig config = ExporterConfig.load(commandLine.configFile());
        List<Collector> discovered = discover();
        config.validate(discovered);
        String host = config.host();
        int port = config.port();
        String metricsPath = config.metricsPath();
        checkPrivilege();
        List<Collector> enabled = configure(discovered, config);

        BuildInfo build = BuildInfo.load();
        MetricsEndpoint metrics = new MetricsEndpoint(new Scrape(enabled, build));
        WebServer server;
        try {
            checkPortFree(host, port);
            server = WebServer.builder()
                    .host(host)
                    .port(port)
                    .shutdownHook(false)
                    .routing(routing -> routing
                            .route(Method.GET, metricsPath, metrics)
                            .route(Method.HEAD, metricsPath, metrics)
                            .get("/", new LandingPage(metricsPath, build)))
                    .build()
                    .start();
            if (!server.isRunning()) {
                throw new IllegalStateException("the listener did not start");
            }
        } catch (RuntimeException e) {
            enabled.forEach(Collector::close);
            throw listenFailure(host, port, e);
        }
        LOG.log(System.Logger.Level.INFO, "ebpf-exporter {0} (revision {1}) on Linux {2}; collectors on: {3};"
                        + " listening on http://{4}:{5,number,#}{6}",
                build.version(), build.revision(), kernelRelease(),
                enabled.isEmpty() ? "none" : enabled.stream().map(Exporter::describe).collect(Collectors.joining(", ")),
                host, server.port(), metricsPath);
        return new Exporter(enabled, server);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        collectors.forEach(Collector::close);
    }

    private static String describe(Collector collector) {
        String note = collector.startupNote();
        return note.isEmpty() ? collector.name() : collector.name() + " (" + note + ")";
    }

    private static List<Collector> discover() {
        List<Collector> found = new ArrayList<>();
        ServiceLoader.load(Collector.class).forEach(found::add);
        found.sort(Comparator.comparing(Collector::name));
        return found;
    }

    private static List<Collector> configure(List<Collector> discovered, ExporterConfig config) {
        List<Collector> enabled = new ArrayList<>();
        try {
            for (Collector collector : discovered) {
                var settings = config.collectorSettings(collector.name());
                if (settings.bool("enabled", collector.enabledByDefault())) {
                    collector.configure(settings);
                    enabled.add(collector);
                }
            }
        } catch (IllegalArgumentException e) {
            enabled.forEach(Collector::close);
            throw new StartupException(e.getMessage());
        }
        return enabled;
    }

    private static void checkPrivilege() {
        try {
            ObjectWalk.checkPermission();
        } catch (BpfException e) {
            if (e.errno() == Errno.EPERM) {
                throw new StartupException("bpf() is not permitted (EPERM): run as root or with CAP_SYS_ADMIN;"
                        + " CAP_BPF and CAP_PERFMON alone cannot list other processes' BPF objects");
            }
            throw new StartupException("bpf() does not work here: " + e.getMessage()
                    + "; the exporter needs Linux 5.8 or newer with CONFIG_BPF_SYSCALL");
        } catch (LinkageError e) {
            throw new StartupException("cannot load JNA's native code (" + e.getMessage()
                    + "); point -Djna.tmpdir at a writable directory that allows executables");
        }
    }

    /**
     * Binds and releases the address first: Helidon logs a failed bind and returns a stopped server,
     * while this gives the operator the exact reason in one line.
     */
    private static void checkPortFree(String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StartupException listenFailure(String host, int port, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return new StartupException("cannot listen on " + host + ":" + port + ": " + t.getMessage()
                        + "; stop whatever holds that port or choose another with server.port");
            }
        }
        return new StartupException("cannot start the HTTP server on " + host + ":" + port + ": " + e.getMessage());
    }

    private static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return "(unknown release)";
        }
    }
}
