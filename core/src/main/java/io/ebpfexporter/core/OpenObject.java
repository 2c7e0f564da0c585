package io.ebpfexporter.core;

/**
 * A kernel object held open for the length of one visit: its decoded info, and its fd for the
 * {@link io.ebpfexporter.core.bpf.Bpf} commands a collector issues on it until the visit returns,
 * when the walk closes it.
 */
public final class OpenObject<T> {
    private final int fd;
    private final T info;

    OpenObject(int fd, T info) {
        this.fd = fd;
        this.info = info;
    }

    public T info() {
        return info;
    }

    /** Borrowed: valid until the visit returns; never closed by the visitor. */
    public int fd() {
        return fd;
    }
}
