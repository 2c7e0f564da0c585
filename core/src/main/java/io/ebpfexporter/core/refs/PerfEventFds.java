package io.ebpfexporter.core.refs;

import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.iter.TaskFileIterator;
import io.ebpfexporter.core.iter.TaskFileIterator.PerfEventFd;
import io.ebpfexporter.core.kernel.KernelLimits;
import io.ebpfexporter.core.walk.Host;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every perf-event fd on the host, with the process holding it, as {@code bpftool perf} looks for them:
 * from the task_file iterator's perf-event program where the live kernel runs it, else from the
 * {@code anon_inode:[perf_event]} links of every /proc/<pid>/fd within {@link ObjectOwners#BUDGET}. The
 * exporter's own fds are included: it opens no perf event, so any it holds were handed to it. A kernel
 * that refuses the perf-event program leaves the owners' program alone. The iterator reports host pids,
 * while BPF_TASK_FD_QUERY takes a pid of the caller's PID namespace: outside the host's, /proc is read,
 * whose pids are that namespace's (without hostPID, the container's own processes only).
 */
public final class PerfEventFds {
    private static final String LINK = "anon_inode:[perf_event]";
    /** PROC_PID_INIT_INO: the inode number of the initial PID namespace, the same on every kernel. */
    private static final long INIT_PID_NS_INO = 0xEFFFFFFCL;
    private static volatile boolean iteratorRefused;

    /** The fds found, and whether the /proc scan ran out of its budget before it read every process. */
    public record Found(List<PerfEventFd> fds, boolean truncated) {
    }

    private PerfEventFds() {
    }

    public static Found scan(Host host) {
        if (host.isLive() && inHostPidNamespace(host)) {
            var plan = ObjectOwners.iteratorPlan();
            if (plan.isPresent() && !iteratorRefused) {
                try {
                    return new Found(TaskFileIterator.perfEvents(plan.get()), false);
                } catch (BpfException e) {
                    refuseIterator(e);
                }
            }
        }
        return scanProc(host);
    }

    private static boolean inHostPidNamespace(Host host) {
        try {
            return Files.getAttribute(host.path("/proc/self/ns/pid"), "unix:ino").equals(INIT_PID_NS_INO);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void refuseIterator(BpfException e) {
        iteratorRefused = true;
        KernelLimits.found("perf-event fds read from /proc: the kernel refused their task_file iterator ("
                + e.getMessage() + ")");
    }

    /** Reads every /proc/<pid>/fd link within the budget; a process or fd gone meanwhile is skipped. */
    static Found scanProc(Host host) {
        long deadline = System.nanoTime() + ObjectOwners.BUDGET.toNanos();
        List<PerfEventFd> found = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(host.path("/proc"), ObjectOwners::isPid)) {
            for (Path process : processes) {
                if (System.nanoTime() > deadline) {
                    return new Found(found, true);
                }
                addPerfEvents(process, found);
            }
        } catch (IOException | RuntimeException e) {
            // no /proc to read, or its listing failed midway: the fds found so far stand
        }
        return new Found(found, false);
    }

    private static void addPerfEvents(Path process, List<PerfEventFd> found) {
        int pid = Integer.parseInt(process.getFileName().toString());
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                if (isPerfEvent(fd)) {
                    found.add(new PerfEventFd(pid, Integer.parseInt(fd.getFileName().toString())));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended, or its fds are not ours to read
        }
    }

    private static boolean isPerfEvent(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString().equals(LINK);
        } catch (IOException | UnsupportedOperationException e) {
            return false; // closed meanwhile
        }
    }
}
