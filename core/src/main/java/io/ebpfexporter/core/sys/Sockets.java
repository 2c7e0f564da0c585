package io.ebpfexporter.core.sys;

import com.sun.jna.Native;

/**
 * The socket calls of libc, for netlink, through JNA direct mapping with raw addresses as in
 * {@link Syscall}; a failed call returns a negative value and leaves errno for {@link Syscall#errno()}.
 */
public final class Sockets {
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int NETLINK_ROUTE = 0;
    /** recv(2): leave the datagram queued. */
    public static final int MSG_PEEK = 0x2;
    /** recv(2): return the datagram's full length, even when the buffer is shorter. */
    public static final int MSG_TRUNC = 0x20;

    static {
        Native.register(Sockets.class, "libc.so.6");
    }

    private Sockets() {
    }

    /** socket(2): the fd, or negative on error. */
    public static native int socket(int domain, int type, int protocol);

    /** bind(2) to the {@code length}-byte address at {@code address}: 0, or negative on error. */
    public static native int bind(int fd, long address, int length);

    /** send(2): bytes sent, or negative on error. */
    public static native long send(int fd, long buffer, long length, int flags);

    /** recv(2): bytes received (with MSG_TRUNC the datagram's length), or negative on error. */
    public static native long recv(int fd, long buffer, long length, int flags);
}
