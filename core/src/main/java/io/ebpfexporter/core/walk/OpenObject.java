package io.ebpfexporter.core.walk;

import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.info.FdInfo;

/**
 * An object held open for the length of one visit: its decoded info, and what its source can read of
 * it until the visit returns, when the walk closes it.
 */
public final class OpenObject<T> {
    private final ObjectSource.Reader reader;
    private final int handle;
    private final T info;

    OpenObject(ObjectSource.Reader reader, int handle, T info) {
        this.reader = reader;
        this.handle = handle;
        this.info = info;
    }

    public T info() {
        return info;
    }

    /** The object's fdinfo. */
    public FdInfo fdinfo() {
        return new FdInfo(reader.fdinfo(handle));
    }

    /** The bytes the kernel returns through the info struct's {@code pointer} field, in a {@code size}-byte buffer. */
    public byte[] pointed(Field pointer, Field length, int size) {
        return reader.pointed(handle, pointer, length, size);
    }

    /**
     * The object's fd, for {@link io.ebpfexporter.core.bpf.Bpf} commands only the running kernel answers;
     * borrowed: valid until the visit returns, never closed by the visitor; -1 where the source holds no
     * fd (objects listed by iterators under reduced privileges), so those commands have no answer.
     */
    public int fd() {
        return reader.fd(handle);
    }
}
