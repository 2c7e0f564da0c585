package io.ebpfexporter.core.refs;

import io.ebpfexporter.core.bpf.LabelValue;
import io.ebpfexporter.core.iter.TaskFileIterator;
import io.ebpfexporter.core.kernel.KernelLimits;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectKind;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which processes hold an fd to which BPF object. On the live host, one read of a task_file iterator
 * ({@link TaskFileIterator}, bpftool's way: one read for every fd on the host, where /proc takes a
 * readlink per fd); where the kernel cannot run it, every /proc/<pid>/fd
 * link and the fdinfo of those that are BPF objects, within {@link #BUDGET}. Host pids, as this process
 * sees them; the exporter's own fds are left out. A process or fd gone mid-scan is skipped.
 */
public final class ObjectOwners {
    /** A process holding an object: its pid and its thread-group leader's comm. */
    public record Owner(int pid, String comm) {
    }

    /** How long one scan may take; a scan cut short says so ({@link #truncated()}) and keeps what it found. */
    public static final Duration BUDGET = Duration.ofSeconds(2);
    private static final ObjectOwners NONE = new ObjectOwners(Map.of(), false, null);

    private final Map<ObjectKind<?>, Map<Integer, Set<Owner>>> owners;
    private final boolean truncated;
    private final String problem;

    private ObjectOwners(Map<ObjectKind<?>, Map<Integer, Set<Owner>>> owners, boolean truncated, String problem) {
        this.owners = owners;
        this.truncated = truncated;
        this.problem = problem;
    }

    /** The first process whose fds the /proc scan was refused, if any: its owner series are missing. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** Whether the scan ran out of {@link #BUDGET} before it read every process. */
    public boolean truncated() {
        return truncated;
    }

    public static ObjectOwners none() {
        return NONE;
    }

    /**
     * Equal when both scans found the same processes holding the same objects (and the same limit and
     * refusal): a scrape whose objects are unchanged may then repeat the owner series it made last time.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof ObjectOwners that && truncated == that.truncated && owners.equals(that.owners)
                && java.util.Objects.equals(problem, that.problem);
    }

    @Override
    public int hashCode() {
        return owners.size();
    }

    private static Optional<TaskFileIterator.Plan> iterator;

    /**
     * The owners on {@code host}: from the task_file iterator where this live kernel runs it, else from
     * {@code host}'s /proc within {@link #BUDGET}.
     */
    public static ObjectOwners scan(Host host) {
        if (host.isLive()) {
            var plan = iteratorPlan();
            if (plan.isPresent()) {
                try {
                    return fromIterator(TaskFileIterator.read(plan.get()), host);
                } catch (io.ebpfexporter.core.bpf.BpfException e) {
                    refuseIterator("the kernel refused the task_file iterator (" + e.getMessage() + ")");
                }
            }
        }
        return scanProc(host);
    }

    /** The task_file plan for this kernel, found once; empty where the owners and perf-event fds read /proc. */
    static synchronized Optional<TaskFileIterator.Plan> iteratorPlan() {
        if (iterator == null) {
            iterator = TaskFileIterator.plan();
            if (iterator.isEmpty()) {
                KernelLimits.found("owners and perf-event fds read from /proc: this kernel's BTF lacks what the task_file"
                        + " iterator needs");
            }
        }
        return iterator;
    }

    private static synchronized void refuseIterator(String why) {
        iterator = Optional.empty();
        KernelLimits.found("owners read from /proc: " + why);
    }

    private static ObjectOwners fromIterator(List<TaskFileIterator.Held> held, Host host) {
        long self = ProcessHandle.current().pid();
        Map<Integer, Owner> processes = new HashMap<>();
        Map<ObjectKind<?>, Map<Integer, Set<Owner>>> found = new HashMap<>();
        for (TaskFileIterator.Held h : held) {
            if (h.tgid() == self) {
                continue;
            }
            Owner owner = processes.computeIfAbsent(h.tgid(),
                    pid -> new Owner(pid, comm(host.path("/proc").resolve(Integer.toString(pid)))));
            found.computeIfAbsent(h.kind(), k -> new HashMap<>()).computeIfAbsent(h.id(), i -> new LinkedHashSet<>())
                    .add(owner);
        }
        return new ObjectOwners(found, false, null);
    }

    /** Reads every /proc/<pid>/fd link within {@link #BUDGET}. */
    static ObjectOwners scanProc(Host host) {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        Map<ObjectKind<?>, Map<Integer, Set<Owner>>> found = new HashMap<>();
        String problem = null;
        long self = ProcessHandle.current().pid();
        Path proc = host.path("/proc");
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(proc, ObjectOwners::isPid)) {
            for (Path process : processes) {
                if (System.nanoTime() > deadline) {
                    return new ObjectOwners(found, true, problem);
                }
                int pid = Integer.parseInt(process.getFileName().toString());
                if (pid != self && !scanProcess(process, pid, found) && problem == null) {
                    problem = "cannot read " + process.resolve("fd") + " (permission denied: the /proc fallback"
                            + " needs root or CAP_SYS_PTRACE for another user's fds)";
                }
            }
        } catch (IOException e) {
            return NONE; // no /proc to read (a replayed host)
        } catch (RuntimeException e) {
            // listing /proc failed midway: the owners found so far stand, and the scan says why it stopped
            return new ObjectOwners(found, false, problem != null ? problem : "listing " + proc + " failed: " + e);
        }
        return new ObjectOwners(found, false, problem);
    }

    static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    /** Adds the objects {@code process} holds; false if its fds were refused (one that ended is not refused). */
    private static boolean scanProcess(Path process, int pid, Map<ObjectKind<?>, Map<Integer, Set<Owner>>> found) {
        Owner owner = null;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                var object = BpfFd.read(fd, process.resolve("fdinfo").resolve(fd.getFileName()));
                if (object.isEmpty()) {
                    continue;
                }
                if (owner == null) {
                    owner = new Owner(pid, comm(process));
                }
                found.computeIfAbsent(object.get().kind(), k -> new HashMap<>())
                        .computeIfAbsent(object.get().id(), i -> new LinkedHashSet<>()).add(owner);
            }
        } catch (AccessDeniedException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            // the process ended
        }
        return true;
    }

    /**
     * The process's comm without the newline the file ends in, as its {@link LabelValue}: any byte but NUL
     * may be in it.
     */
    private static String comm(Path process) {
        try {
            byte[] comm = Files.readAllBytes(process.resolve("comm"));
            int end = comm.length > 0 && comm[comm.length - 1] == '\n' ? comm.length - 1 : comm.length;
            return LabelValue.of(comm, 0, end);
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether the scan found no owner at all (as when owners are off). */
    public boolean isEmpty() {
        return owners.isEmpty();
    }

    /** The processes holding object {@code id} of {@code kind}, in pid order. */
    public List<Owner> of(ObjectKind<?> kind, int id) {
        Set<Owner> set = owners.getOrDefault(kind, Map.of()).get(id);
        if (set == null) {
            return List.of();
        }
        List<Owner> list = new ArrayList<>(set);
        list.sort((a, b) -> Integer.compare(a.pid(), b.pid()));
        return list;
    }
}
