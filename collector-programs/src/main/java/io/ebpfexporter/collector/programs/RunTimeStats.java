package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.walk.Host;

import java.io.IOException;
import java.nio.file.Files;

/**
 * The kernel's per-program run statistics (run_cnt, run_time_ns). They are counted only while some
 * process holds a BPF_ENABLE_STATS fd or the {@code kernel.bpf_stats_enabled} sysctl is 1; each holder
 * is a reference, counting stops when the last goes, and the counters are never reset. An instance
 * is one such reference, released by {@link #close()}.
 */
final class RunTimeStats implements AutoCloseable {
    private static final int BPF_STATS_RUN_TIME = 0;
    private static final String SYSCTL = "/proc/sys/kernel/bpf_stats_enabled";

    private int fd;

    private RunTimeStats(int fd) {
        this.fd = fd;
    }

    /** Turns counting on for every program on the host until {@link #close()}. */
    static RunTimeStats enable() {
        try (Bpf bpf = new Bpf()) {
            return new RunTimeStats(bpf.enableStats(BPF_STATS_RUN_TIME));
        }
    }

    /**
     * Whether the sysctl turns counting on. It shows only its own setting: counting may also be on
     * because another process holds an fd, which nothing in the kernel reveals.
     */
    static boolean sysctlEnabled(Host host) {
        try {
            return Files.readString(host.path(SYSCTL)).trim().equals("1");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        Bpf.close(fd);
        fd = -1;
    }
}
