package io.ebpfexporter.core.kernel;

import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.sys.Syscall;

/**
 * Before Linux 5.11 the kernel charges BPF memory to RLIMIT_MEMLOCK (64 KiB by default), not to the
 * memory cgroup, so the programs and maps the exporter makes itself fail with EPERM under the default.
 * As cilium/ebpf does, the limit is lifted at start-up on such a kernel; where that is refused (no
 * CAP_SYS_RESOURCE) it is one kernel limitation line.
 */
public final class MemlockLimit {
    private static final int RLIMIT_MEMLOCK = 8;
    private static final long RLIM_INFINITY = -1;

    private MemlockLimit() {
    }

    /** Lifts the limit when {@code release} (uname -r) predates 5.11; does nothing otherwise. */
    public static void liftForOldKernels(String release) {
        if (!chargesMemlock(release)) {
            return;
        }
        int result;
        try (NativeBuffer limit = new NativeBuffer(16)) {
            limit.view().putLong(0, RLIM_INFINITY).putLong(8, RLIM_INFINITY);
            result = Syscall.setrlimit(RLIMIT_MEMLOCK, limit.address());
        }
        if (result < 0) {
            KernelLimits.found("RLIMIT_MEMLOCK not lifted (" + io.ebpfexporter.core.bpf.Errno.name(Syscall.errno())
                    + "; Linux " + release + " charges BPF memory to it): the map entry counting program may not load");
        }
    }

    /** Whether a kernel of this release charges BPF memory to RLIMIT_MEMLOCK: before 5.11. */
    static boolean chargesMemlock(String release) {
        String[] parts = release.split("[.-]");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major < 5 || (major == 5 && minor < 11);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
