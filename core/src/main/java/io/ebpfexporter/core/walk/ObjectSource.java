package io.ebpfexporter.core.walk;

import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.bpf.NativeBuffer;

/**
 * Where a walk finds objects: the running kernel ({@link #KERNEL}), or a recording of it, which lets
 * the whole path from info bytes to exposition text run in tests without root.
 */
public interface ObjectSource extends AutoCloseable {
    ObjectSource KERNEL = KernelObjects::new;

    /** A reader for one thread; the walk makes one per reader thread and closes it when that thread is done. */
    Reader reader();

    /** Releases what the source keeps loaded between walks; for a server that stops. */
    @Override
    default void close() {
    }

    /** The calls a walk makes, for one object kind at a time; a handle is what {@link #open} returned. */
    interface Reader extends AutoCloseable {
        /** The id after {@code after}, or 0 when there is none. */
        int nextId(ObjectKind<?> kind, int after);

        /** Opens object {@code id}; throws {@link io.ebpfexporter.core.bpf.BpfException} (ENOENT: gone). */
        int open(ObjectKind<?> kind, int id);

        /**
         * Fills {@code info} (whose pointer fields the kind prepared to point at {@code side}) and
         * {@code side}, and returns how many bytes of {@code info} the source filled.
         */
        int info(ObjectKind<?> kind, int handle, NativeBuffer info, NativeBuffer side);

        /**
         * The bytes that are everything this source reports of object {@code id} (its info, fdinfo and
         * all), or null where it reads more than a record (the kernel, through the object's fd). A walk
         * reuses its result for an object whose record is the same as at its last walk.
         */
        default java.nio.ByteBuffer record(ObjectKind<?> kind, int id) {
            return null;
        }

        /**
         * What this reader's walk of {@code kind} listed, as an identity: the very same object only for a
         * listing of the same objects with the same {@link #record records}; null where the source has none.
         */
        default Object listing(ObjectKind<?> kind) {
            return null;
        }

        /** The object's fdinfo text, empty where there is none. */
        byte[] fdinfo(int handle);

        /**
         * The bytes written to a buffer of {@code size} bytes that the info struct's {@code pointer}
         * field points at ({@code length} holding its size): the uapi's second info call for strings.
         */
        byte[] pointed(int handle, Field pointer, Field length, int size);

        /**
         * The handle as a kernel fd, for commands only the kernel answers (entry counting), or -1 where
         * the source holds none (iterators, under reduced privileges).
         */
        int fd(int handle);

        /** Fields of {@code kind}'s info struct this source leaves unfilled whatever the length it returns. */
        default java.util.Set<io.ebpfexporter.core.bpf.Field> unreported(ObjectKind<?> kind) {
            return java.util.Set.of();
        }

        void close(int handle);

        /** Frees the native memory the reader holds. */
        @Override
        default void close() {
        }
    }
}
