package io.ebpfexporter.core.bpf;

import io.ebpfexporter.core.sys.Sockets;
import io.ebpfexporter.core.sys.Syscall;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A NETLINK_ROUTE socket that runs dumps (RTM_GETLINK, RTM_GETTFILTER): one request, then every reply
 * datagram until NLMSG_DONE, each checked for NLMSG_ERROR and read whole (its length peeked first, so a
 * message larger than the buffer grows the buffer rather than being cut). One thread uses an instance;
 * its owner closes it, which closes the socket.
 */
public final class NetlinkSocket implements AutoCloseable {
    /** sizeof(struct nlmsghdr): len, type, flags, seq, pid. */
    private static final int HEADER = 16;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_DUMP = 0x300;
    /** Set on replies of a dump the kernel's tables changed under: the dump may miss or repeat entries. */
    private static final int NLM_F_DUMP_INTR = 0x10;
    private static final int INTERRUPTED_DUMP_ATTEMPTS = 3;
    private static final int EINTR = 4;
    /** sizeof(struct sockaddr_nl): family, pad, pid (0: the kernel picks), groups. */
    private static final int SOCKADDR_NL = 12;

    /** One reply message: its type and a copy of its payload (the bytes after the nlmsghdr), native order. */
    public record Message(int type, ByteBuffer payload) {
    }

    private final int fd;
    private NativeBuffer buffer;
    private int sequence;

    private NetlinkSocket(int fd, NativeBuffer buffer) {
        this.fd = fd;
        this.buffer = buffer;
    }

    /** A bound NETLINK_ROUTE socket. */
    public static NetlinkSocket route() {
        NativeBuffer buffer = new NativeBuffer(64 * 1024); // before the socket: no fd to leak if it cannot be had
        int fd = Sockets.socket(Sockets.AF_NETLINK, Sockets.SOCK_RAW | Sockets.SOCK_CLOEXEC, Sockets.NETLINK_ROUTE);
        if (fd < 0) {
            int errno = Syscall.errno();
            buffer.close();
            throw new BpfException("socket(AF_NETLINK)", errno);
        }
        try (NativeBuffer address = new NativeBuffer(SOCKADDR_NL)) {
            address.view().putShort(0, (short) Sockets.AF_NETLINK);
            if (Sockets.bind(fd, address.address(), SOCKADDR_NL) < 0) {
                int errno = Syscall.errno();
                Bpf.close(fd);
                buffer.close();
                throw new BpfException("bind(AF_NETLINK)", errno);
            }
        }
        return new NetlinkSocket(fd, buffer);
    }

    /**
     * Dumps request {@code type} ({@code what} names it in errors) with {@code header}, the family's
     * header and attributes, and returns the reply messages. A dump the kernel marks interrupted is run
     * again, a few times at most, then taken as it is.
     */
    public List<Message> dump(String what, int type, byte[] header) {
        List<Message> messages = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            messages.clear();
            boolean interrupted = dumpOnce(what, type, header, messages);
            if (!interrupted || attempt == INTERRUPTED_DUMP_ATTEMPTS) {
                return messages;
            }
        }
    }

    /** Whether the kernel marked the dump interrupted. */
    private boolean dumpOnce(String what, int type, byte[] header, List<Message> out) {
        int seq = ++sequence;
        send(what, type, seq, header);
        boolean interrupted = false;
        while (true) {
            int length = receive(what);
            ByteBuffer view = buffer.view();
            int at = 0;
            while (at + HEADER <= length) {
                int messageLength = view.getInt(at);
                int messageType = view.getShort(at + 4) & 0xffff;
                int flags = view.getShort(at + 6) & 0xffff;
                if (messageLength < HEADER || messageLength > length - at) {
                    throw new IllegalStateException("netlink " + what + ": malformed reply (message of "
                            + messageLength + " bytes in a datagram of " + length + ")");
                }
                if (view.getInt(at + 8) == seq) { // replies to an earlier, abandoned dump are skipped
                    interrupted |= (flags & NLM_F_DUMP_INTR) != 0;
                    if (messageType == NLMSG_DONE || messageType == NLMSG_ERROR) {
                        int error = messageLength >= HEADER + 4 ? view.getInt(at + HEADER) : 0;
                        if (error < 0) {
                            throw new BpfException("netlink " + what, -error);
                        }
                        if (messageType == NLMSG_DONE) {
                            return interrupted;
                        }
                    } else {
                        byte[] payload = new byte[messageLength - HEADER];
                        view.get(at + HEADER, payload);
                        out.add(new Message(messageType, ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder())));
                    }
                }
                at += (messageLength + 3) & ~3;
            }
        }
    }

    private void send(String what, int type, int seq, byte[] header) {
        int length = HEADER + header.length;
        try (NativeBuffer request = new NativeBuffer(length)) {
            request.view().putInt(0, length).putShort(4, (short) type).putShort(6, (short) (NLM_F_REQUEST | NLM_F_DUMP))
                    .putInt(8, seq).put(HEADER, header);
            long sent = Sockets.send(fd, request.address(), length, 0);
            Reference.reachabilityFence(request);
            if (sent < 0) {
                throw new BpfException("netlink " + what + " send", Syscall.errno());
            }
        }
    }

    /** The next datagram, whole, at the start of the buffer; its length. */
    private int receive(String what) {
        while (true) {
            long length = Sockets.recv(fd, buffer.address(), buffer.size(), Sockets.MSG_PEEK | Sockets.MSG_TRUNC);
            if (length < 0) {
                int errno = Syscall.errno();
                if (errno == EINTR) {
                    continue;
                }
                throw new BpfException("netlink " + what + " recv", errno);
            }
            if (length > buffer.size()) {
                NativeBuffer larger = new NativeBuffer((int) length);
                buffer.close();
                buffer = larger;
                continue;
            }
            long read = Sockets.recv(fd, buffer.address(), buffer.size(), 0);
            Reference.reachabilityFence(buffer);
            if (read < 0) {
                int errno = Syscall.errno();
                if (errno == EINTR) {
                    continue;
                }
                throw new BpfException("netlink " + what + " recv", errno);
            }
            return (int) read;
        }
    }

    @Override
    public void close() {
        Bpf.close(fd);
        buffer.close();
    }
}
