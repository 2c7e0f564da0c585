package io.ebpfexporter.core.walk;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Command;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.NativeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Visits every object of one kind in a {@link ObjectSource}: next id until there is none, and per id
 * open (fd by id) → info → visit → close. Every fd is closed on every path. An object that vanishes mid-walk (ENOENT) is skipped
 * silently, as is normal on a busy host; an object the kernel refuses otherwise is skipped and logged,
 * so it costs only its own series.
 * Failing to list the kind at all (EPERM without CAP_SYS_ADMIN) throws.
 */
public final class ObjectWalk<T> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ObjectWalk.class.getName());
    /** Ids per batch a reader thread takes; a kind with fewer objects is read on the calling thread alone. */
    private static final int BATCH = 256;

    private final ObjectKind<T> kind;
    private final ObjectSource.Reader calls;
    private final NativeBuffer info;
    private final NativeBuffer side;

    private ObjectWalk(ObjectSource source, ObjectKind<T> kind) {
        this.kind = kind;
        this.calls = source.reader();
        NativeBuffer infoBuffer = null;
        try { // a buffer that cannot be had (no native memory) must not leave the reader open
            infoBuffer = new NativeBuffer(kind.infoSize);
            this.side = new NativeBuffer(kind.sideSize);
        } catch (RuntimeException | Error e) {
            if (infoBuffer != null) {
                infoBuffer.close();
            }
            calls.close();
            throw e;
        }
        this.info = infoBuffer;
    }

    /** Consecutive ids and, once read, their results; read by the one thread that claims it. */
    private static final class Batch {
        static final Batch END = new Batch();

        final int[] ids = new int[BATCH];
        /** The source's record of each object, where it has one (see {@link KeptResults}). */
        final ByteBuffer[] records = new ByteBuffer[BATCH];
        /** Set before reading for an object whose result was kept from the last walk: not read again. */
        final Object[] results = new Object[BATCH];
        int size;
        /** How many of them are to be read: a batch with none is not handed out. */
        int toRead;
        private final AtomicBoolean claimed = new AtomicBoolean();

        boolean claim() {
            return claimed.compareAndSet(false, true);
        }
    }

    /**
     * Calls {@code visitor} once per object, in id order. A visitor should compute everything for an
     * object before emitting it: a {@link BpfException} it throws skips that object, not the walk.
     */
    public static <T> void forEach(ObjectSource source, ObjectKind<T> kind, Consumer<? super OpenObject<T>> visitor) {
        try (ObjectWalk<T> walk = new ObjectWalk<>(source, kind)) {
            walk.listIds(walk.calls.nextId(kind, 0), id -> walk.visit(id, visitor));
        }
    }

    /**
     * Opens and reads the objects on up to {@code threads} threads at once: {@code reader} runs with the
     * object open (everything that needs its fd), and {@code consumer} gets the readers' results on the
     * calling thread, in id order, skipping objects that vanished. On a host with thousands of maps the
     * reading is nearly all of a scrape, and it is syscalls, so it scales with the CPUs. The calling
     * thread lists the ids and hands them out in batches as it goes, so reading starts with the first
     * batch rather than after the last id (listing itself is a syscall per id); once listed, it reads the
     * batches no other thread has taken. A {@link BpfException} from the reader skips that object; any
     * other exception fails the walk.
     */
    public static <T, R> void forEach(ObjectSource source, ObjectKind<T> kind, Function<? super OpenObject<T>, R> reader,
                                      Consumer<? super R> consumer, int threads) {
        walk(source, kind, reader, consumer, threads, null, () -> false);
    }

    /**
     * As {@link #forEach(ObjectSource, ObjectKind, Function, Consumer, int)}, for a {@code reader} whose
     * result depends on nothing but the object, and returns what the next walk of the same collector is
     * given as {@code last}: where the source's record is all it reports of an object (iterators), an
     * object whose record is the same as at the {@code last} walk is not read again, and its last result
     * goes to the consumer (see {@link KeptResults} for what that asks of the reader and the consumer). A
     * listing the same as the last walk's (the source's very listing, the same objects of the exporter's
     * hidden) gives the last walk's results without a record being looked at.
     * <p>
     * When every result is the last walk's, in the same order, {@code repeated} is asked first: true means
     * the caller has repeated what the consumer made of them last time, and the consumer is not called.
     */
    public static <T, R> KeptResults forEach(ObjectSource source, ObjectKind<T> kind, Function<? super OpenObject<T>, R> reader,
                                             Consumer<? super R> consumer, int threads, KeptResults last,
                                             BooleanSupplier repeated) {
        KeptResults.Walk kept = new KeptResults.Walk(last);
        walk(source, kind, reader, consumer, threads, kept, repeated);
        return kept.done();
    }

    private static <T, R> void walk(ObjectSource source, ObjectKind<T> kind, Function<? super OpenObject<T>, R> reader,
                                    Consumer<? super R> consumer, int threads, KeptResults.Walk kept,
                                    BooleanSupplier repeated) {
        try (ObjectWalk<T> walk = new ObjectWalk<>(source, kind)) {
            walk(walk, source, kind, reader, consumer, threads, kept, repeated);
        }
    }

    private static <T, R> void walk(ObjectWalk<T> walk, ObjectSource source, ObjectKind<T> kind,
                                    Function<? super OpenObject<T>, R> reader, Consumer<? super R> consumer,
                                    int threads, KeptResults.Walk kept, BooleanSupplier repeated) {
        Object hidden = OwnObjects.hidden(); // before listing: a change while listing is then seen next time
        int first = walk.calls.nextId(kind, 0);
        if (kept != null && kept.sameListing(new KeptResults.Listed(walk.calls.listing(kind), hidden))) {
            Object[] results = kept.repeat();
            if (!repeated.getAsBoolean()) {
                for (Object result : results) {
                    @SuppressWarnings("unchecked")
                    R r = (R) result;
                    consumer.accept(r);
                }
            }
            return;
        }
        List<Batch> batches = new ArrayList<>();
        BlockingQueue<Batch> handedOut = new LinkedBlockingQueue<>();
        List<Thread> helpers = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        int[] listed = {0};
        try {
            Batch[] filling = {new Batch()};
            walk.listIds(first, id -> {
                listed[0]++;
                Batch batch = filling[0];
                int at = batch.size++;
                batch.ids[at] = id;
                if (kept != null) {
                    ByteBuffer record = walk.calls.record(kind, id);
                    batch.records[at] = record;
                    batch.results[at] = record == null ? null : kept.unchanged(id, record);
                }
                batch.toRead += batch.results[at] == null ? 1 : 0;
                if (batch.size == BATCH) {
                    batches.add(batch);
                    if (batch.toRead > 0) { // nothing to hand out in a batch of unchanged objects
                        handedOut.add(batch);
                        while (helpers.size() < threads - 1) {
                            helpers.add(Thread.ofPlatform().name("walk-" + kind + "-" + (helpers.size() + 1))
                                    .start(() -> readHandedOut(source, kind, handedOut, reader, failures)));
                        }
                    }
                    filling[0] = new Batch();
                }
            });
            batches.add(filling[0]);
            for (Batch batch : batches) {
                if (batch.claim()) {
                    walk.read(batch, reader);
                }
            }
        } finally {
            helpers.forEach(h -> handedOut.add(Batch.END));
            for (Thread helper : helpers) {
                try {
                    helper.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading " + kind, e);
                }
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0) instanceof RuntimeException r ? r : new IllegalStateException(failures.get(0));
        }
        if (kept != null) {
            kept.listed(listed[0]);
            if (kept.allUnchanged(listed[0], batches.stream().mapToInt(b -> b.toRead).sum()) && repeated.getAsBoolean()) {
                kept.repeat();
                return;
            }
        }
        for (Batch batch : batches) {
            for (int i = 0; i < batch.size; i++) {
                if (batch.results[i] != null) {
                    @SuppressWarnings("unchecked")
                    R r = (R) batch.results[i];
                    batch.results[i] = null; // consumed: collectable from now on, unless kept
                    consumer.accept(r);
                    if (kept != null) {
                        kept.add(batch.ids[i], batch.records[i], r);
                    }
                }
            }
        }
    }

    /** A helper thread: reads the batches handed out that the calling thread has not claimed, until END. */
    private static <T, R> void readHandedOut(ObjectSource source, ObjectKind<T> kind, BlockingQueue<Batch> handedOut,
                                             Function<? super OpenObject<T>, R> reader, List<Throwable> failures) {
        try (ObjectWalk<T> walk = new ObjectWalk<>(source, kind)) {
            for (Batch batch = handedOut.take(); batch != Batch.END; batch = handedOut.take()) {
                if (batch.claim()) {
                    walk.read(batch, reader);
                }
            }
        } catch (InterruptedException | RuntimeException | Error e) {
            failures.add(e);
        }
    }

    /** Passes every id of this kind from {@code first}, in order, without the exporter's own objects. */
    private void listIds(int first, IntConsumer each) {
        for (int id = first; id != 0; id = calls.nextId(kind, id)) {
            if (!OwnObjects.isOwn(kind, id)) {
                each.accept(id);
            }
        }
    }

    private <R> void read(Batch batch, Function<? super OpenObject<T>, R> reader) {
        for (int i = 0; i < batch.size; i++) {
            int index = i;
            if (batch.results[i] == null) {
                visit(batch.ids[i], object -> batch.results[index] = reader.apply(object));
            }
        }
    }

    /** Throws the kernel's answer if this process may not list objects (EPERM), does nothing otherwise. */
    public static void checkPermission() {
        try (Bpf bpf = new Bpf()) {
            bpf.nextId(Command.PROG_GET_NEXT_ID, 0);
        }
    }

    private void visit(int id, Consumer<? super OpenObject<T>> visitor) {
        int fd;
        try {
            fd = calls.open(kind, id);
        } catch (BpfException e) {
            skipped(id, e);
            return;
        }
        try {
            visitor.accept(new OpenObject<>(calls, fd, readInfo(fd)));
        } catch (BpfException e) {
            skipped(id, e);
        } finally {
            calls.close(fd);
        }
    }

    /**
     * The object's info, with the side buffer the kind asks for. A kernel whose struct ends before the
     * side buffer's fields refuses the request (E2BIG: bytes it does not know are not zero), so it is
     * asked again without them, and the kind says once what that kernel leaves out.
     */
    private T readInfo(int fd) {
        info.clear();
        side.clear();
        kind.preparer.prepare(info, side);
        int length;
        try {
            length = calls.info(kind, fd, info, side);
        } catch (BpfException e) {
            if (e.errno() != Errno.E2BIG) {
                throw e;
            }
            info.clear();
            side.clear();
            length = calls.info(kind, fd, info, side);
            kind.shorterInfo();
        }
        return kind.decoder.decode(info.view(), length, side.view(), calls.unreported(kind));
    }

    /** Frees this thread's buffers and reader. */
    @Override
    public void close() {
        info.close();
        side.close();
        calls.close();
    }

    /**
     * ENOENT: the object went away; EAGAIN: a link that is still being created (its id is listed before
     * the kernel finishes it). Both are normal on a busy host and cost only that object, silently.
     */
    private void skipped(int id, BpfException e) {
        boolean normal = e.errno() == Errno.ENOENT || e.errno() == Errno.EAGAIN;
        LOG.log(normal ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "skipping {0} {1}: {2}", kind,
                Integer.toUnsignedString(id), e.getMessage());
    }
}
