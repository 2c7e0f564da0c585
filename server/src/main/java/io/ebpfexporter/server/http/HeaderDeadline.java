package io.ebpfexporter.server.http;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request line arrived but whose headers did not follow within the timeout.
 * Helidon's idle check interrupts a connection only while it waits for a request line, so a client that
 * sends a request line and then stalls (or trickles headers) would hold its connection and thread forever.
 * A connection closed by its client mid-headers stays here until its deadline, then goes.
 */
final class HeaderDeadline implements Http1ConnectionListener, AutoCloseable {
    private final Map<ConnectionContext, Long> deadlines = new ConcurrentHashMap<>();
    private final long timeoutNanos;
    private final ScheduledExecutorService timer;

    HeaderDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("header-deadline").factory());
        long period = Math.max(100, timeout.toMillis() / 4);
        timer.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void prologue(ConnectionContext connection, HttpPrologue prologue) {
        deadlines.put(connection, System.nanoTime() + timeoutNanos);
    }

    @Override
    public void headers(ConnectionContext connection, Headers headers) {
        deadlines.remove(connection);
    }

    private void closeExpired() {
        long now = System.nanoTime();
        deadlines.entrySet().removeIf(entry -> {
            if (now - entry.getValue() < 0) {
                return false;
            }
            try {
                entry.getKey().serverSocket().close(); // the blocked header read ends with an exception
            } catch (RuntimeException alreadyGone) {
                // closed by its client meanwhile
            }
            return true;
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
