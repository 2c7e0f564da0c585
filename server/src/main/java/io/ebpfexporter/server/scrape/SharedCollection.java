package io.ebpfexporter.server.scrape;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Concurrent scrapes share collections, and the results held at once are bounded, so memory does not grow
 * with the number of scrapers. A request never takes a collection that began before it arrived: it joins
 * the next one, which starts when the one in flight for its key is done; so every answer is as fresh as a
 * scrape of its own. A result is held from the start of its collection until the last request sharing it
 * has written it; at most {@code held} are held at once. A collection that cannot start within the
 * request's wait fails its requests with {@link Busy} (a 503), so slow readers cannot pile results up.
 */
public final class SharedCollection<K, V> {
    /** No result could be held within the wait: answer 503 and let the scraper retry. */
    public static final class Busy extends Exception {
        Busy() {
            super("every held collection is still being written", null, false, false);
        }
    }

    /** One request's share of a result; close it once the result is written. */
    public final class Lease implements AutoCloseable {
        private final Flight<V> flight;
        private final V value;

        private Lease(Flight<V> flight, V value) {
            this.flight = flight;
            this.value = value;
        }

        public V value() {
            return value;
        }

        @Override
        public void close() {
            release(flight);
        }
    }

    private static final class Flight<V> {
        final CompletableFuture<V> result = new CompletableFuture<>();
        int sharers = 1; // guarded by slots
        boolean held;    // guarded by slots
    }

    /** Per key: the collection running and the one requests arriving meanwhile share. */
    private static final class Slot<V> {
        Flight<V> running;
        Flight<V> next;
    }

    private final Function<K, V> collect;
    private final Semaphore results;
    private final Map<K, Slot<V>> slots = new HashMap<>();

    SharedCollection(Function<K, V> collect, int held) {
        this.collect = collect;
        this.results = new Semaphore(held, true);
    }

    Lease get(K key, Duration wait) throws InterruptedException, Busy {
        long deadline = System.nanoTime() + wait.toNanos();
        Flight<V> mine;
        Flight<V> before = null;
        Slot<V> slot;
        boolean run;
        synchronized (slots) {
            slot = slots.computeIfAbsent(key, k -> new Slot<>());
            run = slot.next == null;
            if (run) {
                mine = new Flight<>();
                slot.next = mine;
                before = slot.running;
            } else {
                mine = slot.next; // not started yet: it begins after this request arrived
                mine.sharers++;
            }
        }
        if (run) {
            run(key, slot, mine, before, deadline);
        }
        try {
            return new Lease(mine, mine.result.get());
        } catch (ExecutionException e) {
            release(mine);
            switch (e.getCause()) {
                case Busy busy -> throw busy;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IllegalStateException(e.getCause());
            }
        } catch (InterruptedException e) {
            release(mine);
            throw e;
        }
    }

    private void run(K key, Slot<V> slot, Flight<V> mine, Flight<V> before, long deadline) throws InterruptedException {
        boolean held = false;
        try {
            if (before != null) {
                before.result.handle((v, t) -> null).join();
            }
            held = results.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            synchronized (slots) {
                mine.held = held;
                slot.running = mine;
                slot.next = null;
            }
            if (!held) {
                mine.result.completeExceptionally(new Busy());
                return;
            }
            mine.result.complete(collect.apply(key));
        } catch (RuntimeException | Error e) {
            mine.result.completeExceptionally(e);
        } finally {
            if (!mine.result.isDone()) { // interrupted while waiting
                mine.result.completeExceptionally(new Busy());
            }
            synchronized (slots) {
                if (slot.next == mine) {
                    slot.next = null;
                }
                if (slot.running == mine) {
                    slot.running = null;
                }
                if (slot.running == null && slot.next == null) {
                    slots.remove(key, slot);
                }
            }
        }
    }

    private void release(Flight<V> flight) {
        synchronized (slots) {
            if (--flight.sharers == 0 && flight.held) {
                flight.held = false;
                results.release();
            }
        }
    }
}
