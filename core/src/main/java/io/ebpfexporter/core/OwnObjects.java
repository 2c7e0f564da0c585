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
    private static final Set<Own> IDS = new HashSet<>();
    private static final Deque<Own> ORDER = new ArrayDeque<>();

    /** One object of ours: a record, as every id a walk lists is looked up. */
    private record Own(ObjectKind<?> kind, int id) {
    }

    private OwnObjects() {
    }

    /** Runs {@code create} (returning a program's or link's fd) and registers the new object's id. */
    public static int create(ObjectKind<?> kind, IntSupplier create) {
        LOCK.writeLock().lock();
        try {
            int fd = create.getAsInt();
            try {
                remember(new Own(kind, new Bpf().idOf(fd)));
            } catch (RuntimeException e) {
                Bpf.close(fd);
                throw e;
            }
            return fd;
        } finally {
            LOCK.writeLock().unlock();
        }
    }

    static boolean isOwn(ObjectKind<?> kind, int id) {
        LOCK.readLock().lock();
        try {
            return !IDS.isEmpty() && IDS.contains(new Own(kind, id));
        } finally {
            LOCK.readLock().unlock();
        }
    }

    private static void remember(Own key) {
        IDS.add(key);
        ORDER.addLast(key);
        if (ORDER.size() > REMEMBERED) {
            IDS.remove(ORDER.removeFirst());
        }
    }
}
