package io.ebpfexporter.server.http;

import io.ebpfexporter.server.config.ExporterConfig;
import io.ebpfexporter.server.config.ListenAddress;
import io.ebpfexporter.server.config.StartupException;
import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The HTTP server: one Helidon WebServer with a listener per address, each serving the same routes. */
public final class Listeners implements AutoCloseable {
    /** In-flight scrapes get this long to finish at shutdown. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final WebServer server;
    private final HeaderDeadline headerDeadline;
    private final List<ListenAddress> addresses;
    private final boolean tls;

    private Listeners(WebServer server, HeaderDeadline headerDeadline, List<ListenAddress> addresses, boolean tls) {
        this.server = server;
        this.headerDeadline = headerDeadline;
        this.addresses = addresses;
        this.tls = tls;
    }

    /**
     * Starts listening on {@code addresses} (the first is Helidon's default socket) with the bounds
     * {@code config} sets and the TLS {@code web} configures; a failure to listen is one line naming
     * the address and the fix.
     */
    public static Listeners start(List<ListenAddress> addresses, ExporterConfig config, WebConfig web, Routes routes) {
        HeaderDeadline headerDeadline = new HeaderDeadline(config.headerTimeout());
        ListenAddress current = addresses.get(0);
        try {
            var builder = WebServer.builder().shutdownHook(false);
            for (int i = 0; i < addresses.size(); i++) {
                current = addresses.get(i);
                checkPortFree(current);
                ListenAddress address = current;
                ConnectionLimit connections = new ConnectionLimit(config.maxConnections(),
                        SocketOptions.builder().tcpNoDelay(true).build());
                Consumer<ListenerConfig.BuilderBase<?, ?>> listener = l -> {
                    l.host(address.host()).port(address.port());
                    bound(l, config, headerDeadline, connections);
                    web.tls().ifPresent(l::tls);
                };
                Consumer<HttpRouting.Builder> routing = r -> routes.accept(r.addFilter(connections));
                if (i == 0) {
                    listener.accept(builder);
                    builder.routing(routing);
                } else {
                    builder.putSocket(socketName(i), listener::accept);
                    builder.routing(socketName(i), routing);
                }
            }
            WebServer server = builder.build().start();
            if (!server.isRunning()) {
                throw new IllegalStateException("the listener did not start");
            }
            return new Listeners(server, headerDeadline, addresses, web.tls().isPresent());
        } catch (RuntimeException e) {
            headerDeadline.close();
            throw listenFailure(current, e);
        }
    }

    /**
     * What bounds one listener: concurrent requests, open connections ({@link ConnectionLimit}, which
     * admits every new one), how long a connection may wait before a request line (Helidon's idle check,
     * a few times per timeout) and then for its headers ({@link HeaderDeadline}), and the grace in-flight
     * scrapes get at shutdown. Helidon's own query check is off: it refuses the literal brackets of
     * {@code collect[]=}, which curl and Prometheus send; the metrics endpoint checks its query itself
     * ({@link ScrapeQuery}). TCP_NODELAY, as Go's servers set it: without it, the last segment of a large
     * answer can wait for the client's delayed ACK. Blocking sockets rather than Helidon's NIO ones, whose
     * 8 KiB write buffer splits a large answer into many small writes. Helidon's per-request HTTP logging
     * listeners are off: they do work on every request and log nothing at our levels.
     */
    private static void bound(ListenerConfig.BuilderBase<?, ?> listener, ExporterConfig config,
                              HeaderDeadline headerDeadline, ConnectionLimit connections) {
        Duration idle = config.idleTimeout();
        Duration check = idle.dividedBy(4).compareTo(Duration.ofMillis(250)) < 0 ? Duration.ofMillis(250) : idle.dividedBy(4);
        Http1Config http1 = Http1Config.builder().validatePrologue(false).sendLog(false).receiveLog(false)
                .addReceiveListener(both(headerDeadline, connections)).build();
        listener.maxConcurrentRequests(config.maxRequests()).connectionOptions(connections)
                .idleConnectionTimeout(idle).idleConnectionPeriod(check)
                .shutdownGracePeriod(SHUTDOWN_GRACE).protocolsDiscoverServices(false).addProtocol(http1)
                .useNio(false);
    }

    /**
     * One receive listener that tells both: given several, Helidon 4.5 combines them into a listener that
     * forwards no event to any of them.
     */
    private static Http1ConnectionListener both(Http1ConnectionListener first, Http1ConnectionListener second) {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext connection, HttpPrologue prologue) {
                first.prologue(connection, prologue);
                second.prologue(connection, prologue);
            }

            @Override
            public void headers(ConnectionContext connection, Headers headers) {
                first.headers(connection, headers);
                second.headers(connection, headers);
            }
        };
    }

    /** The URL of {@code path} on each listener, with the port it got. */
    public List<String> urls(String path) {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            int port = i == 0 ? server.port() : server.port(socketName(i));
            urls.add((tls ? "https://" : "http://") + new ListenAddress(addresses.get(i).host(), port) + path);
        }
        return urls;
    }

    public int port() {
        return server.port();
    }

    /** The new certificate for every listener, from its next handshake. */
    void reloadTls(Tls fresh) {
        server.reloadTls(fresh);
        for (int i = 1; i < addresses.size(); i++) {
            server.reloadTls(socketName(i), fresh);
        }
    }

    boolean tls() {
        return tls;
    }

    @Override
    public void close() {
        server.stop();
        headerDeadline.close();
    }

    private static String socketName(int index) {
        return "listener-" + index;
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
}
