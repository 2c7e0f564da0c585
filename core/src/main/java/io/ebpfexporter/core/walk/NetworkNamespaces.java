package io.ebpfexporter.core.walk;

import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.sys.Directory;
import io.ebpfexporter.core.sys.Namespaces;
import io.ebpfexporter.core.sys.Syscall;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network namespaces of a host, each named by its inode: the bind mounts in {@code /run/netns}
 * ({@code ip netns add}) and the namespaces of the processes in {@code /proc}, each namespace once. A
 * process that ends while listed is left out; one whose namespace file is refused (another process's
 * needs ptrace access: CAP_SYS_PTRACE) is counted. {@link #enter} moves the calling thread into one.
 */
public final class NetworkNamespaces {
    /** More entries than /proc or /run/netns holds (pid_max is at most 2^22); a bound on one listing. */
    private static final int MAX_ENTRIES = 1 << 22;
    private static final byte[] NS_NET = "ns/net".getBytes(StandardCharsets.US_ASCII);

    /** A namespace: its inode, and the file it was found through (absolute, as bytes). */
    public record Namespace(long inode, byte[] file) {
    }

    /**
     * What {@link #list} found: every namespace but the excluded one, in the order found ({@code
     * /run/netns} first); the processes whose namespace file was refused, one of them with its errno;
     * and whether the listing stopped at its deadline.
     */
    public record Listing(List<Namespace> namespaces, int refusedProcesses, String refusal, boolean timedOut) {
    }

    /** A namespace that could not be entered: its file refused, or setns refused (CAP_SYS_ADMIN). */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private NetworkNamespaces() {
    }

    /** The inode of the calling thread's network namespace, or 0 if it cannot be read. */
    public static long current(Host host) {
        long inode = Namespaces.inode(Directory.CWD, host.path("/proc/thread-self/ns/net".getBytes(StandardCharsets.US_ASCII)));
        return Math.max(inode, 0);
    }

    /**
     * Every network namespace of {@code host} but {@code excluded} (the caller's own), found before
     * {@code deadline} ({@link System#nanoTime()}).
     */
    public static Listing list(Host host, long excluded, long deadline) {
        Map<Long, Namespace> found = new LinkedHashMap<>();
        found.put(excluded, null);
        Refusals refused = new Refusals();
        boolean timedOut = !addMounts(host, found, deadline) || !addProcesses(host, found, refused, deadline);
        found.remove(excluded);
        return new Listing(List.copyOf(found.values()), refused.count, refused.first, timedOut);
    }

    /** Processes whose namespace file was refused, and the first refusal. */
    private static final class Refusals {
        private int count;
        private String first;
    }

    /** Adds the namespaces of the processes in /proc; false if the deadline cut it short. */
    private static boolean addProcesses(Host host, Map<Long, Namespace> found, Refusals refused, long deadline) {
        byte[] proc = host.path("/proc".getBytes(StandardCharsets.US_ASCII));
        try (Directory processes = Directory.open(Directory.CWD, proc)) {
            for (Directory.Entry entry : processes.entries(MAX_ENTRIES)) {
                if (!isPid(entry.name())) {
                    continue;
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                byte[] relative = Directory.join(entry.name(), NS_NET);
                long inode = Namespaces.inode(processes.fd(), relative);
                if (inode >= 0) {
                    found.computeIfAbsent(inode, i -> new Namespace(i, Directory.join(proc, relative)));
                } else if (inode != -Errno.ENOENT && inode != -Errno.ESRCH) { // those ended while listed
                    refused.count++;
                    refused.first = refused.first != null ? refused.first : "/proc/"
                            + new String(entry.name(), StandardCharsets.US_ASCII) + "/ns/net: " + Errno.name((int) -inode);
                }
            }
        } catch (Directory.Failure e) {
            // no /proc to read: the mounts stand
        }
        return true;
    }

    /** Adds the namespaces bind-mounted in /run/netns, by their names' bytes; false if the deadline cut it short. */
    private static boolean addMounts(Host host, Map<Long, Namespace> found, long deadline) {
        byte[] run = host.path("/run/netns".getBytes(StandardCharsets.US_ASCII));
        try (Directory mounts = Directory.open(Directory.CWD, run)) {
            for (Directory.Entry entry : mounts.entries(MAX_ENTRIES)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                long inode = Namespaces.inode(mounts.fd(), entry.name());
                if (inode >= 0) { // a file no namespace is mounted on has some other inode, and setns refuses it
                    found.computeIfAbsent(inode, i -> new Namespace(i, Directory.join(run, entry.name())));
                }
            }
        } catch (Directory.Failure e) {
            // no /run/netns: no named namespaces
        }
        return true;
    }

    /**
     * Moves the calling thread into {@code namespace}; false if it is gone (its process ended, its mount
     * removed, or its file now names another namespace or none). Its fd is closed on every path.
     */
    public static boolean enter(Namespace namespace) throws Refused {
        int fd = Namespaces.open(Directory.CWD, namespace.file());
        if (fd < 0) {
            int errno = Syscall.errno();
            if (errno == Errno.EACCES || errno == Errno.EPERM) {
                throw new Refused("opening " + name(namespace) + " refused (" + Errno.name(errno)
                        + ": another process's namespace needs CAP_SYS_PTRACE)");
            }
            return false;
        }
        try {
            if (Namespaces.inode(fd, new byte[0]) != namespace.inode()) {
                return false;
            }
            if (Namespaces.setns(fd, Namespaces.CLONE_NEWNET) < 0) {
                int errno = Syscall.errno();
                if (errno == Errno.EINVAL) {
                    return false; // a file in /run/netns with no namespace mounted on it (any more)
                }
                throw new Refused("setns into " + name(namespace) + " refused (" + Errno.name(errno)
                        + (errno == Errno.EPERM ? ": entering a network namespace needs CAP_SYS_ADMIN)" : ")"));
            }
            return true;
        } finally {
            Syscall.close(fd);
        }
    }

    /** The namespace's file, for a log line: its bytes as ASCII, others escaped. */
    private static String name(Namespace namespace) {
        StringBuilder out = new StringBuilder();
        for (byte b : namespace.file()) {
            out.append(b >= 0x20 && b < 0x7f ? Character.toString(b) : String.format("\\x%02x", b & 0xff));
        }
        return out.toString();
    }

    private static boolean isPid(byte[] name) {
        for (byte b : name) {
            if (b < '0' || b > '9') {
                return false;
            }
        }
        return name.length > 0;
    }
}
