package io.ebpfexporter.server;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Concurrent scrapes of the same collectors share one collection, so forty scrapes of a large host hold
 * one or two snapshots, not forty. A request never takes a collection that began before it arrived: it
 * joins the next one, which starts when the one in flight ends; so every answer is as fresh as a scrape
 * of its own, and at most two collections per key exist at once.
 */
final class SharedCollection<K, V> {
    /** Per key: the collection running and the one the requests arriving meanwhile wait for. */
    private static final class Slot<V> {
        CompletableFuture<V> running;
        CompletableFuture<V> next;
    }

    private final Function<K, V> collect;
    private final Map<K, Slot<V>> slots = new HashMap<>();

    SharedCollection(Function<K, V> collect) {
        this.collect = collect;
    }

    V get(K key) throws InterruptedException {
        CompletableFuture<V> mine;
        CompletableFuture<V> before;
        Slot<V> slot;
        CompletableFuture<V> joined;
        synchronized (slots) {
            slot = slots.computeIfAbsent(key, k -> new Slot<>());
            joined = slot.next; // not started yet: it begins after this request arrived
            mine = joined == null ? new CompletableFuture<>() : null;
            if (joined == null) {
                slot.next = mine;
            }
            before = slot.running;
        }
        if (joined != null) {
            return await(joined);
        }
        if (before != null) {
            before.handle((v, t) -> null).join();
        }
        synchronized (slots) {
            slot.running = mine;
            slot.next = null;
        }
        try {
            mine.complete(collect.apply(key));
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
        } finally {
            synchronized (slots) {
                slot.running = null;
                if (slot.next == null) {
                    slots.remove(key);
                }
            }
        }
        return await(mine);
    }

    private static <V> V await(CompletableFuture<V> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
