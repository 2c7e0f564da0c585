package io.ebpfexporter.core;

import io.ebpfexporter.core.sys.Attr;
import io.ebpfexporter.core.sys.Bpf;
import io.ebpfexporter.core.sys.Command;
import io.ebpfexporter.core.sys.NativeBuffer;

import java.util.function.Consumer;

/**
 * Visits every object of one kind: next id → fd by id → info by fd → visit → close. Every fd is closed
 * on every path. An object that vanishes mid-walk (ENOENT) is skipped silently, as is normal on a busy
 * host; an object the kernel refuses otherwise is skipped and logged, so it costs only its own series.
 * Failing to list the kind at all (EPERM without CAP_SYS_ADMIN) throws.
 */
public final class ObjectWalk<T> {
    private static final System.Logger LOG = System.getLogger(ObjectWalk.class.getName());

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
        new ObjectWalk<>(kind).run(visitor);
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

    private void run(Consumer<? super OpenObject<T>> visitor) {
        int id = 0;
        while (true) {
            try {
                Bpf.call(kind.nextId, attr.clear().putInt(0, id));
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOENT) {
                    return;
                }
                throw e;
            }
            id = attr.getInt(4);
            visit(id, visitor);
        }
    }

    private void visit(int id, Consumer<? super OpenObject<T>> visitor) {
        if (OwnObjects.isOwn(kind, id)) {
            return;
        }
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
