package io.ebpfexporter.core;

/**
 * A kernel object held open for the length of one visit: its decoded info, and an fd that core's typed
 * operations may use until the visit returns, when the walk closes it.
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

    int fd() {
        return fd;
    }
}
