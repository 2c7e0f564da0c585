package io.ebpfexporter.server.http;

import io.helidon.common.socket.SocketOptions;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Bounds one listener's open connections without ever leaving a new one unaccepted: at the limit, a new
 * connection closes the open one that has gone longest without sending a request line (since it
 * connected, or since its last answer), as nginx drains idle keep-alive connections. A connection is
 * spared while its request is served, or while its request waits unread; only when every open
 * connection is one of those does the oldest go all the same, so the limit always holds. Helidon's own
 * limit stops accepting instead, so a flood of idle connections would leave every new scraper in the
 * kernel's accept queue until a flood connection timed out; and its 8 KiB read buffer per connection
 * makes memory, not file descriptors, the bound. Connections are seen as Helidon accepts them (through
 * the socket options it applies to each), as their request lines arrive and as their answers end.
 */
final class ConnectionLimit implements SocketOptions, Http1ConnectionListener, Filter {
    private final int max;
    private final SocketOptions options;
    /** Open connections, the one whose last request line, answer or accept is oldest first. */
    private final LinkedHashMap<Ends, Connection> open = new LinkedHashMap<>(16, 0.75f, true);

    private record Ends(SocketAddress local, SocketAddress remote) {
        static Ends of(PeerInfo local, PeerInfo remote) {
            return new Ends(local.address(), remote.address());
        }
    }

    private static final class Connection {
        final SocketChannel channel;
        boolean serving;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    /** At most {@code max} open connections, each configured with {@code options}. */
    ConnectionLimit(int max, SocketOptions options) {
        this.max = max;
        this.options = options;
    }

    @Override
    public void configureSocket(SocketChannel socket) {
        options.configureSocket(socket);
        try {
            admit(new Ends(socket.getLocalAddress(), socket.getRemoteAddress()), socket);
        } catch (IOException closedByItsClient) {
            // Helidon's first read finds it closed
        }
    }

    private synchronized void admit(Ends ends, SocketChannel socket) {
        if (open.size() >= max) {
            open.values().removeIf(connection -> !connection.channel.isOpen());
        }
        closeOldest(c -> !c.serving && !unread(c.channel));
        closeOldest(c -> true);
        open.put(ends, new Connection(socket));
    }

    /** Closes the oldest connections that {@code closable} allows until there is room for one more. */
    private void closeOldest(Predicate<Connection> closable) {
        Iterator<Connection> oldest = open.values().iterator();
        while (open.size() >= max && oldest.hasNext()) {
            Connection candidate = oldest.next();
            if (closable.test(candidate)) {
                close(candidate.channel); // its blocked read ends, and Helidon's handler with it
                oldest.remove();
            }
        }
    }

    @Override
    public void prologue(ConnectionContext connection, HttpPrologue prologue) {
        serving(Ends.of(connection.localPeer(), connection.remotePeer()), true);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        try {
            chain.proceed();
        } finally {
            serving(Ends.of(request.localPeer(), request.remotePeer()), false);
        }
    }

    /** Marks a connection as serving a request or not; either way it is now the newest. */
    private synchronized void serving(Ends ends, boolean serving) {
        Connection connection = open.get(ends);
        if (connection != null) {
            connection.serving = serving;
        }
    }

    /**
     * Whether bytes wait that Helidon has not read yet: a request on its way, from a client whose
     * connection Helidon accepted faster than it got round to reading it.
     */
    private static boolean unread(SocketChannel channel) {
        try {
            return channel.socket().getInputStream().available() > 0;
        } catch (IOException closed) {
            return false;
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException alreadyGone) {
            // closed meanwhile
        }
    }

    @Override
    public void configureSocket(Socket socket) {
        options.configureSocket(socket);
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return options.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return options.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return options.readTimeout();
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return options.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return options.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return options.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return options.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return options.tcpNoDelay();
    }
}
