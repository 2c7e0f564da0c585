package io.ebpfexporter.core;

import io.ebpfexporter.core.sys.Attr;
import io.ebpfexporter.core.sys.Bpf;
import io.ebpfexporter.core.sys.Command;
import io.ebpfexporter.core.sys.NativeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Visits every object of one kind: the ids (next id until ENOENT), then per id fd by id → info by fd →
 * visit → close. Every fd is closed on every path. An object that vanishes mid-walk (ENOENT) is skipped
 * silently, as is normal on a busy host; an object the kernel refuses otherwise is skipped and logged,
 * so it costs only its own series.
 * Failing to list the kind at all (EPERM without CAP_SYS_ADMIN) throws.
 */
public final class ObjectWalk<T> {
    private static final System.Logger LOG = System.getLogger(ObjectWalk.class.getName());
    /** Fewer objects than this per thread are not worth a thread. */
    private static final int MIN_SHARE = 512;

    private final ObjectKind<T> kind;
    private final Attr attr = new Attr();
    private final NativeBuffer info;
    private final NativeBuffer side;

    private ObjectWalk(ObjectKind<T> kind) {
        this.kind = kind;
        this.info = new NativeBuffer(kind.infoSize);
        this.side = new NativeBuffer(kind.sideSize);
    }

    /**
     * Calls {@code visitor} once per object, in id order. A visitor should compute everything for an
     * object before emitting it: a {@link BpfException} it throws skips that object, not the walk.
     */
    public static <T> void forEach(ObjectKind<T> kind, Consumer<? super OpenObject<T>> visitor) {
        ObjectWalk<T> walk = new ObjectWalk<>(kind);
        for (int id : walk.ids()) {
            walk.visit(id, visitor);
        }
    }

    /**
     * Lists the ids, then opens and reads the objects on up to {@code threads} threads at once, each
     * taking a contiguous share of the ids: {@code reader} runs with the object open (everything that
     * needs its fd), and {@code consumer} gets the readers' results on the calling thread, in id order,
     * skipping objects that vanished. On a host with thousands of maps the reading is nearly all of a
     * scrape, and it is syscalls, so it scales with the CPUs. A {@link BpfException} from the reader
     * skips that object; any other exception fails the walk.
     */
    public static <T, R> void forEach(ObjectKind<T> kind, Function<? super OpenObject<T>, R> reader,
                                      Consumer<? super R> consumer, int threads) {
        int[] ids = new ObjectWalk<>(kind).ids();
        int shares = Math.max(1, Math.min(threads, ids.length / MIN_SHARE));
        Object[] results = new Object[ids.length];
        List<Thread> helpers = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int share = 1; share < shares; share++) {
            int from = ids.length * share / shares;
            int to = ids.length * (share + 1) / shares;
            helpers.add(Thread.ofPlatform().name("walk-" + kind + "-" + share).start(() -> {
                try {
                    new ObjectWalk<>(kind).read(ids, from, to, reader, results);
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                }
            }));
        }
        new ObjectWalk<>(kind).read(ids, 0, ids.length / shares, reader, results);
        for (Thread helper : helpers) {
            try {
                helper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading " + kind, e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0) instanceof RuntimeException r ? r : new IllegalStateException(failures.get(0));
        }
        for (Object result : results) {
            if (result != null) {
                @SuppressWarnings("unchecked")
                R r = (R) result;
                consumer.accept(r);
            }
        }
    }

    /** Every id of this kind now, in order, without the exporter's own objects. */
    private int[] ids() {
        int[] ids = new int[256];
        int count = 0;
        int id = 0;
        while (true) {
            try {
                Bpf.call(kind.nextId, attr.clear().putInt(0, id));
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOENT) {
                    return Arrays.copyOf(ids, count);
                }
                throw e;
            }
            id = attr.getInt(4);
            if (!OwnObjects.isOwn(kind, id)) {
                if (count == ids.length) {
                    ids = Arrays.copyOf(ids, count * 2);
                }
                ids[count++] = id;
            }
        }
    }

    private <R> void read(int[] ids, int from, int to, Function<? super OpenObject<T>, R> reader, Object[] results) {
        for (int i = from; i < to; i++) {
            int index = i;
            visit(ids[i], object -> results[index] = reader.apply(object));
        }
    }

    /** Throws the kernel's answer if this process may not list objects (EPERM), does nothing otherwise. */
    public static void checkPermission() {
        try {
            Bpf.call(Command.PROG_GET_NEXT_ID, new Attr());
        } catch (BpfException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
    }

    private void visit(int id, Consumer<? super OpenObject<T>> visitor) {
        int fd;
        try {
            fd = Bpf.call(kind.fdById, attr.clear().putInt(0, id).putInt(8, kind.openFlags));
        } catch (BpfException e) {
            skipped(id, e);
            return;
        }
        try {
            visitor.accept(new OpenObject<>(fd, readInfo(fd)));
        } catch (BpfException e) {
            skipped(id, e);
        } finally {
            Bpf.closeFd(fd);
        }
    }

    private T readInfo(int fd) {
        info.clear();
        side.clear();
        kind.preparer.prepare(info, side);
        Bpf.call(Command.OBJ_GET_INFO_BY_FD,
                attr.clear().putInt(0, fd).putInt(4, info.size()).putPointer(8, info));
        return kind.decoder.decode(info.view(), attr.getInt(4), side.view());
    }

    /**
     * ENOENT: the object went away; EAGAIN: a link that is still being created (its id is listed before
     * the kernel finishes it). Both are normal on a busy host and cost only that object, silently.
     */
    private void skipped(int id, BpfException e) {
        if (e.errno() != Errno.ENOENT && e.errno() != Errno.EAGAIN) {
            LOG.log(System.Logger.Level.WARNING, "skipping {0} {1}: {2}", kind, Integer.toUnsignedString(id),
                    e.getMessage());
        }
    }
}
