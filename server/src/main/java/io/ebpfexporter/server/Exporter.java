package io.ebpfexporter.server;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.config.Setting;
import io.ebpfexporter.core.kernel.KernelLimits;
import io.ebpfexporter.core.kernel.MemlockLimit;
import io.ebpfexporter.core.walk.ObjectSource;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** The running exporter: the configured collectors behind a Helidon WebServer. */
final class Exporter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Exporter.class.getName());
    /** In-flight scrapes get this long to finish at shutdown. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final List<Collector> collectors;
    private final ObjectSource objects;
    private final WebServer server;
    private final HeaderDeadline headerDeadline;
    private final boolean sdNotify;
    private final Optional<Path> webConfigFile;
    private final BasicAuth auth;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int listenerCount;
    private volatile List<String> watched = List.of();
    private ScheduledExecutorService watcher;
    private WebConfig web;

    private Exporter(List<Collector> collectors, ObjectSource objects, WebServer server, HeaderDeadline headerDeadline,
                     boolean sdNotify, Optional<Path> webConfigFile, WebConfig web, BasicAuth auth, int listenerCount) {
        this.listenerCount = listenerCount;
        this.headerDeadline = headerDeadline;
        this.collectors = collectors;
        this.objects = objects;
        this.server = server;
        this.sdNotify = sdNotify;
        this.webConfigFile = webConfigFile;
        this.web = web;
        this.auth = auth;
    }

    /**
     * Reads the web config file again (SIGHUP): new users take effect at the next request, a new
     * certificate at the next handshake. A file that no longer loads keeps the config in force; TLS is
     * turned on or off only by a restart. One log line either way.
     */
    synchronized void reloadWebConfig(String why) {
        if (webConfigFile.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "{0}: no --web.config.file to reload", why);
            return;
        }
        WebConfig fresh;
        try {
            fresh = WebConfig.load(webConfigFile.get());
        } catch (StartupException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: kept the web config in force: {1}", why, e.getMessage());
            return;
        } finally {
            watched = stamp(web.files());
        }
        if (fresh.tls().isPresent() != web.tls().isPresent()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: kept the web config in force: turning TLS on or off needs"
                    + " a restart", why);
            return;
        }
        fresh.tls().ifPresent(tls -> {
            server.reloadTls(tls);
            for (int i = 1; i < listenerCount; i++) {
                server.reloadTls(socketName(i), tls);
            }
        });
        auth.users(fresh.users());
        web = fresh;
        watched = stamp(fresh.files());
        LOG.log(System.Logger.Level.INFO, "{0}: reloaded {1} ({2} users{3})", why, webConfigFile.get(),
                String.valueOf(fresh.users().size()), fresh.tls().isPresent() ? ", certificate" : "");
    }

    /**
     * Checks the web config file and the certificate, key and CA files it names once a second, and
     * reloads when one changed: certificates and users rotate without a restart or a signal.
     */
    private void watchWebConfig() {
        if (webConfigFile.isEmpty()) {
            return;
        }
        watched = stamp(web.files());
        watcher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("web-config-watch").factory());
        watcher.scheduleWithFixedDelay(() -> {
            if (!stamp(web.files()).equals(watched)) {
                reloadWebConfig("web config changed");
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** Modification time and size of each file; a file that cannot be read counts as a change to read. */
    private static List<String> stamp(List<Path> files) {
        List<String> stamps = new ArrayList<>();
        for (Path file : files) {
            try {
                stamps.add(Files.getLastModifiedTime(file) + "/" + Files.size(file));
            } catch (IOException e) {
                stamps.add("unreadable");
            }
        }
        return stamps;
    }

    /** Starts {@code discovered} collectors as {@code commandLine} and the config they derive {@code keys} from say. */
    static Exporter start(CommandLine commandLine, List<Collector> discovered, ConfigFlags keys) {
        ExporterConfig config = ExporterConfig.load(commandLine.configFile(), commandLine.overrides());
        OneLineLogging.level(config.logLevel());
        config.validate(keys);
        config.checkValues(keys);
        List<ListenAddress> listeners = commandLine.listenAddresses().isEmpty()
                ? List.of(new ListenAddress(config.host(), config.port()))
                : commandLine.listenAddresses();
        String metricsPath = config.metricsPath();
        int maxRequests = config.maxRequests();
        HeaderDeadline headerDeadline = new HeaderDeadline(config.headerTimeout());
        Consumer<ListenerConfig.BuilderBase<?, ?>> bounds = limitsOf(config, maxRequests, headerDeadline);
        WebConfig web = commandLine.webConfig().map(WebConfig::load).orElse(WebConfig.none());
        List<Collector> chosen = chosen(discovered, config, commandLine.disableDefaults());
        ObjectAccess access = ObjectAccess.choose();
        String release = kernelRelease();
        MemlockLimit.liftForOldKernels(release);
        List<Collector> enabled = configure(chosen, config);

        BuildInfo build = BuildInfo.load();
        Scrape scrape = new Scrape(enabled, build, access.host(), ScrapeThreads.HOST,
                config.exporterMetrics() ? ExporterHealth.create() : ExporterHealth.none());
        MetricsEndpoint metrics = new MetricsEndpoint(scrape);
        LandingPage landing = new LandingPage(metricsPath, build);
        LiveView live = new LiveView(scrape);
        BasicAuth auth = new BasicAuth(web.users());
        WebServer server;
        ListenAddress current = listeners.get(0);
        try {
            var builder = WebServer.builder().shutdownHook(false);
            for (int i = 0; i < listeners.size(); i++) {
                current = listeners.get(i);
                checkPortFree(current);
                ListenAddress address = current;
                Consumer<HttpRouting.Builder> routes = routing -> {
                    routing.addFilter(auth);
                    routing.route(Method.GET, metricsPath, metrics)
                            .route(Method.HEAD, metricsPath, metrics)
                            .any(metricsPath, (request, response) -> response.status(Status.METHOD_NOT_ALLOWED_405)
                                    .header(HeaderNames.ALLOW, "GET, HEAD").send())
                            .route(Method.GET, "/", landing)
                            .route(Method.HEAD, "/", landing)
                            .route(Method.GET, "/live.json", live);
                };
                if (i == 0) {
                    builder.host(address.host()).port(address.port()).routing(routes);
                    bounds.accept(builder);
                    web.tls().ifPresent(builder::tls);
                } else {
                    builder.putSocket(socketName(i), l -> {
                        l.host(address.host()).port(address.port());
                        bounds.accept(l);
                        web.tls().ifPresent(l::tls);
                    });
                    builder.routing(socketName(i), routes);
                }
            }
            server = builder.build().start();
            if (!server.isRunning()) {
                throw new IllegalStateException("the listener did not start");
            }
        } catch (RuntimeException e) {
            enabled.forEach(Collector::close);
            access.host().objects().close();
            headerDeadline.close();
            throw listenFailure(current, e);
        }
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < listeners.size(); i++) {
            ListenAddress a = listeners.get(i);
            int port = i == 0 ? server.port() : server.port(socketName(i));
            urls.add((web.tls().isPresent() ? "https://" : "http://") + new ListenAddress(a.host(), port) + metricsPath);
        }
        List<String> limits = KernelLimits.found();
        LOG.log(System.Logger.Level.INFO, "ebpf-exporter {0} (revision {1}) on Linux {2}; collectors on: {3};"
                        + " listening on {4}{5}{6}",
                build.version(), build.revision(), release,
                enabled.stream().map(Exporter::describe).collect(Collectors.joining(", ")),
                String.join(", ", urls), limits.isEmpty() ? "" : "; kernel limitations: " + String.join("; ", limits),
                access.note().isEmpty() ? "" : "; " + access.note());
        Exporter exporter = new Exporter(enabled, access.host().objects(), server, headerDeadline, commandLine.sdNotify(),
                commandLine.webConfig(), web, auth, listeners.size());
        exporter.watchWebConfig();
        try {
            commandLine.readyFile().ifPresent(file -> ReadyFile.write(file, urls));
        } catch (StartupException e) {
            exporter.close();
            throw e;
        }
        if (commandLine.sdNotify()) {
            SystemdNotify.send("READY=1");
        }
        return exporter;
    }

    /**
     * What bounds one listener: concurrent requests, open connections, how long a connection may wait
     * before a request line (Helidon's idle check, a few times per timeout) and then for its headers
     * ({@link HeaderDeadline}), and the grace in-flight scrapes get at shutdown. Helidon's own query
     * check is off: it refuses the literal brackets of {@code collect[]=}, which curl and Prometheus send;
     * the metrics endpoint checks its query itself ({@link ScrapeQuery}). TCP_NODELAY, as Go's servers set
     * it: without it, the last segment of a large answer waited for the client's delayed ACK, 40 ms on
     * Linux, in one scrape of eight. Blocking sockets rather than Helidon's NIO ones, whose 8 KiB write
     * buffer made a 2.3 MB answer 290 write calls instead of 36. Helidon's per-request HTTP logging
     * listeners are off: they cost a scrape more than routing it, and log nothing at our levels.
     */
    private static Consumer<ListenerConfig.BuilderBase<?, ?>> limitsOf(ExporterConfig config, int maxRequests,
                                                                        HeaderDeadline headerDeadline) {
        Http1Config http1 = Http1Config.builder().validatePrologue(false).sendLog(false).receiveLog(false)
                .addReceiveListener(headerDeadline).build();
        int maxConnections = config.maxConnections();
        Duration idle = config.idleTimeout();
        Duration check = idle.dividedBy(4).compareTo(Duration.ofMillis(250)) < 0 ? Duration.ofMillis(250) : idle.dividedBy(4);
        return l -> l.maxConcurrentRequests(maxRequests).maxTcpConnections(maxConnections)
                .idleConnectionTimeout(idle).idleConnectionPeriod(check)
                .shutdownGracePeriod(SHUTDOWN_GRACE).protocolsDiscoverServices(false).addProtocol(http1)
                .connectionOptions(socket -> socket.tcpNoDelay(true)).useNio(false);
    }

    private static String socketName(int index) {
        return "listener-" + index;
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (watcher != null) {
            watcher.shutdownNow();
        }
        if (sdNotify) {
            SystemdNotify.send("STOPPING=1");
        }
        server.stop();
        headerDeadline.close();
        collectors.forEach(Collector::close);
        objects.close();
    }

    private static String describe(Collector collector) {
        String note = collector.startupNote();
        return note.isEmpty() ? collector.name() : collector.name() + " (" + note + ")";
    }

    /** Every collector module on the module path, by name. */
    static List<Collector> discover() {
        List<Collector> found = new ArrayList<>();
        ServiceLoader.load(Collector.class).forEach(found::add);
        found.sort(Comparator.comparing(Collector::name));
        return found;
    }

    /** The collectors the config and flags turn on; none at all is a mistake, said before anything else runs. */
    private static List<Collector> chosen(List<Collector> discovered, ExporterConfig config, boolean disableDefaults) {
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

    private static List<Collector> configure(List<Collector> chosen, ExporterConfig config) {
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
     * Binds and releases the address first: Helidon logs a failed bind and returns a stopped server,
     * while this gives the operator the exact reason in one line.
     */
    private static void checkPortFree(ListenAddress address) {
        if (address.port() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(address.host(), address.port()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StartupException listenFailure(ListenAddress address, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return new StartupException("cannot listen on " + address + ": " + t.getMessage()
                        + "; stop whatever holds that port or choose another with server.port or --listen-addr");
            }
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return new StartupException("cannot listen on " + address + ": unknown host; give an IP address or"
                        + " a resolvable name");
            }
        }
        return new StartupException("cannot start the HTTP server on " + address + ": " + e.getMessage());
    }

    private static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return "(unknown release)";
        }
    }
}
