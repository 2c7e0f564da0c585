package io.ebpfexporter.core;

import io.ebpfexporter.core.bpf.Bpf;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntSupplier;

/**
 * Programs and links the exporter itself creates (iterators of its own), kept out of every
 * collector's output. An object is created and registered under the write lock, and a walk checks ids
 * under the read lock, so no walk can see one of ours before it is registered. Ids are never reused,
 * and a closed object may stay listed for a moment (it is freed after an RCU grace period), so the
 * most recent ids are remembered rather than removed on close.
 */
public final class OwnObjects {
    private static final int REMEMBERED = 256;
    private static final ReentrantReadWriteLock LOCK = new ReentrantReadWriteLock();
    private static final Set<String> IDS = new HashSet<>();
    private static final Deque<String> ORDER = new ArrayDeque<>();
    /** Objects kept loaded across scrapes: never forgotten while they live. */
    private static final Set<String> KEPT = new HashSet<>();

    private OwnObjects() {
    }

    /** Runs {@code create} (returning a program's or link's fd) and registers the new object's id. */
    public static int create(ObjectKind<?> kind, IntSupplier create) {
        return create(kind, create, false);
    }

    /**
     * As {@link #create(ObjectKind, IntSupplier)}; a {@code kept} object stays hidden until {@link #closed}
     * says it is gone, however many others are made meanwhile.
     */
    static int create(ObjectKind<?> kind, IntSupplier create, boolean kept) {
        LOCK.writeLock().lock();
        try {
            int fd = create.getAsInt();
            try {
                String key = key(kind, new Bpf().idOf(fd));
                if (kept) {
                    KEPT.add(key);
                } else {
                    remember(key);
                }
            } catch (RuntimeException e) {
                Bpf.close(fd);
                throw e;
            }
            return fd;
        } finally {
            LOCK.writeLock().unlock();
        }
    }

    /** A kept object was closed: it is remembered like the others, as it may stay listed for a moment. */
    static void closed(ObjectKind<?> kind, int id) {
        LOCK.writeLock().lock();
        try {
            if (KEPT.remove(key(kind, id))) {
                remember(key(kind, id));
            }
        } finally {
            LOCK.writeLock().unlock();
        }
    }

    private static String key(ObjectKind<?> kind, int id) {
        return kind + ":" + Integer.toUnsignedString(id);
    }

    static boolean isOwn(ObjectKind<?> kind, int id) {
        LOCK.readLock().lock();
        try {
            String key = key(kind, id);
            return IDS.contains(key) || KEPT.contains(key);
        } finally {
            LOCK.readLock().unlock();
        }
    }

    private static void remember(String key) {
        IDS.add(key);
        ORDER.addLast(key);
        if (ORDER.size() > REMEMBERED) {
            IDS.remove(ORDER.removeFirst());
        }
    }
}
