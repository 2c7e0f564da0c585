package io.ebpfexporter.core.walk;

import io.ebpfexporter.core.bpf.Bpf;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.StampedLock;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Programs and links the exporter itself creates (iterators of its own), kept out of every
 * collector's output. An object is created and registered under the write lock, and a walk checks ids
 * under a read that waits for it (an optimistic read where none is held, as a walk checks every id it
 * lists), so no walk can see one of ours before it is registered. Ids are never reused,
 * and a closed object may stay listed for a moment (it is freed after an RCU grace period), so the
 * most recent ids are remembered rather than removed on close; objects kept loaded across scrapes are
 * hidden for as long as they live, however many short-lived ones come after.
 */
public final class OwnObjects {
    private static final int REMEMBERED = 256;
    private static final StampedLock LOCK = new StampedLock();
    private static final Set<Own> IDS = new HashSet<>();
    private static final Deque<Own> ORDER = new ArrayDeque<>();
    private static final Set<Own> KEPT = new HashSet<>();
    /** IDS and KEPT as of the last change, as sorted ids per kind: what a walk reads, for every id it lists. */
    private static volatile Map<ObjectKind<?>, int[]> hidden = Map.of();

    /** One object of ours. */
    private record Own(ObjectKind<?> kind, int id) {
    }

    private OwnObjects() {
    }

    /** Runs {@code create} (returning a program's or link's fd) and registers the new object's id. */
    public static int create(ObjectKind<?> kind, IntSupplier create) {
        return create(kind, create, false);
    }

    /** As {@link #create(ObjectKind, IntSupplier)}; a {@code kept} object is hidden until {@link #close} closes it. */
    public static int create(ObjectKind<?> kind, IntSupplier create, boolean kept) {
        long stamp = LOCK.writeLock();
        try {
            int fd = create.getAsInt();
            try {
                Own own = new Own(kind, idOf(fd));
                if (kept) {
                    KEPT.add(own);
                } else {
                    remember(own);
                }
                publish();
            } catch (RuntimeException e) {
                Bpf.close(fd);
                throw e;
            }
            return fd;
        } finally {
            LOCK.unlockWrite(stamp);
        }
    }

    private static int idOf(int fd) {
        try (Bpf bpf = new Bpf()) {
            return bpf.idOf(fd);
        }
    }

    /** Closes one of ours; a kept one is then remembered like the others, as it may stay listed for a moment. */
    public static void close(ObjectKind<?> kind, int fd, boolean kept) {
        try {
            if (kept) {
                Own own = new Own(kind, idOf(fd));
                long stamp = LOCK.writeLock();
                try {
                    if (KEPT.remove(own)) {
                        remember(own);
                        publish();
                    }
                } finally {
                    LOCK.unlockWrite(stamp);
                }
            }
        } finally {
            Bpf.close(fd);
        }
    }

    public static boolean isOwn(ObjectKind<?> kind, int id) {
        long stamp = LOCK.tryOptimisticRead();
        boolean found = hides(kind, id);
        if (stamp != 0 && LOCK.validate(stamp)) {
            return found;
        }
        stamp = LOCK.readLock(); // an object of ours is being made: wait until it is registered
        try {
            return hides(kind, id);
        } finally {
            LOCK.unlockRead(stamp);
        }
    }

    /** The objects hidden now, as an identity that changes whenever they do. */
    static Object hidden() {
        return hidden;
    }

    private static boolean hides(ObjectKind<?> kind, int id) {
        int[] ids = hidden.get(kind);
        return ids != null && Arrays.binarySearch(ids, id) >= 0; // ids below 2^31: signed order is unsigned order
    }

    private static void publish() {
        hidden = Map.copyOf(Stream.concat(IDS.stream(), KEPT.stream()).collect(Collectors.groupingBy(Own::kind,
                Collectors.collectingAndThen(Collectors.toList(), owns -> owns.stream().mapToInt(Own::id).sorted().toArray()))));
    }

    private static void remember(Own key) {
        IDS.add(key);
        ORDER.addLast(key);
        if (ORDER.size() > REMEMBERED) {
            IDS.remove(ORDER.removeFirst());
        }
    }
}
