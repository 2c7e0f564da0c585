package io.ebpfexporter.testkit;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.ebpfexporter.core.sys.Architecture;

/**
 * The few libc calls fixtures need besides bpf(): open a directory or namespace, make and remove a
 * directory by its bytes, perf_event_open and its PERF_EVENT_IOC_SET_BPF.
 */
public final class Libc {
    public static final int O_RDONLY = 0;
    public static final int O_DIRECTORY = Architecture.CURRENT.openDirectory;
    private static final long SYS_PERF_EVENT_OPEN = Architecture.CURRENT.perfEventOpen;
    private static final long PERF_FLAG_FD_CLOEXEC = 8;
    private static final int AT_REMOVEDIR = 0x200;
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

    /** PERF_EVENT_IOC_SET_BPF: runs program {@code progFd} on perf event {@code eventFd}, without a link. */
    public static void perfEventSetBpf(int eventFd, int progFd) {
        if (ioctl(eventFd, PERF_EVENT_IOC_SET_BPF, progFd) < 0) {
            throw new IllegalStateException("PERF_EVENT_IOC_SET_BPF: errno " + Native.getLastError());
        }
    }
}
