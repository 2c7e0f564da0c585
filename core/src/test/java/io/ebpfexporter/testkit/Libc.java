package io.ebpfexporter.testkit;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.ebpfexporter.core.sys.Architecture;

/**
 * The few libc calls fixtures need besides bpf(): open a directory or namespace, make and remove a
 * directory by its bytes, perf_event_open and its PERF_EVENT_IOC_SET_BPF, enter a network namespace
 * and drop capabilities on the calling thread.
 */
public final class Libc {
    public static final int O_RDONLY = 0;
    public static final int O_DIRECTORY = Architecture.CURRENT.openDirectory;
    private static final long SYS_PERF_EVENT_OPEN = Architecture.CURRENT.perfEventOpen;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    private static final int AT_REMOVEDIR = 0x200;
    private static final int CLONE_NEWNET = 0x40000000;
    /** _LINUX_CAPABILITY_VERSION_3: two 32-bit words of each set. */
    private static final int CAPABILITY_VERSION_3 = 0x20080522;
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_SYS_PTRACE = 19;
    public static final int CAP_SYS_ADMIN = 21;
    /** _IOW('$', 8, __u32), the same number on every architecture the exporter runs on. */
    private static final long PERF_EVENT_IOC_SET_BPF = 0x40042408L;

    static {
        Native.register(Libc.class, Platform.C_LIBRARY_NAME);
    }

    private Libc() {
    }

    private static native int open(String path, int flags);

    private static native int mkdirat(int dirFd, byte[] path, int mode);

    private static native int openat(int dirFd, byte[] path, int flags);

    private static native int unlinkat(int dirFd, byte[] path, int flags);

    private static native int setns(int fd, int nstype);

    private static native int capget(Pointer header, Pointer data);

    private static native int capset(Pointer header, Pointer data);
    private static native int ioctl(int fd, long request, long arg);

    private static native long syscall(long number, Pointer attr, long pid, long cpu, long groupFd, long flags);

    /** open(2), failing the test with errno on error. */
    public static int openOrFail(String path, int flags) {
        int fd = open(path, flags);
        if (fd < 0) {
            throw new IllegalStateException("open " + path + ": errno " + Native.getLastError());
        }
        return fd;
    }

    /** Makes directory {@code name} (bytes, any but '/' and NUL) in the directory {@code dirFd} and opens it. */
    public static int mkdirAndOpen(int dirFd, byte[] name) {
        byte[] path = java.util.Arrays.copyOf(name, name.length + 1);
        if (mkdirat(dirFd, path, 0700) < 0) {
            throw new IllegalStateException("mkdirat: errno " + Native.getLastError());
        }
        int fd = openat(dirFd, path, O_RDONLY | O_DIRECTORY);
        if (fd < 0) {
            throw new IllegalStateException("openat: errno " + Native.getLastError());
        }
        return fd;
    }

    /** Removes the empty directory {@code name} (bytes) from the directory {@code dirFd}. */
    public static void rmdirAt(int dirFd, byte[] name) {
        if (unlinkat(dirFd, java.util.Arrays.copyOf(name, name.length + 1), AT_REMOVEDIR) < 0) {
            throw new IllegalStateException("unlinkat: errno " + Native.getLastError());
        }
    }

    /** perf_event_open(2) of a {@code struct perf_event_attr} already laid out in {@code attr}. */
    public static int perfEventOpen(Pointer attr, int pid, int cpu) {
        long fd = syscall(SYS_PERF_EVENT_OPEN, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("perf_event_open: errno " + Native.getLastError());
        }
        return (int) fd;
    }

    /** Moves the calling thread into the network namespace open as {@code fd} (setns(2)). */
    public static void enterNetworkNamespace(int fd) {
        if (setns(fd, CLONE_NEWNET) < 0) {
            throw new IllegalStateException("setns: errno " + Native.getLastError());
        }
    }

    /**
     * Removes {@code caps} (each below 32) from the calling thread's effective set: capabilities belong
     * to a thread, so the rest of the process keeps them.
     */
    public static void dropEffective(int... caps) {
        try (Memory header = new Memory(8); Memory data = new Memory(24)) {
            header.setInt(0, CAPABILITY_VERSION_3);
            header.setInt(4, 0); // this thread
            if (capget(header, data) < 0) {
                throw new IllegalStateException("capget: errno " + Native.getLastError());
            }
            int effective = data.getInt(0);
            for (int cap : caps) {
                effective &= ~(1 << cap);
            }
            data.setInt(0, effective);
            if (capset(header, data) < 0) {
                throw new IllegalStateException("capset: errno " + Native.getLastError());
            }
        }
    }

    /** PERF_EVENT_IOC_SET_BPF: runs program {@code progFd} on perf event {@code eventFd}, without a link. */
    public static void perfEventSetBpf(int eventFd, int progFd) {
        if (ioctl(eventFd, PERF_EVENT_IOC_SET_BPF, progFd) < 0) {
            throw new IllegalStateException("PERF_EVENT_IOC_SET_BPF: errno " + Native.getLastError());
        }
    }
}
