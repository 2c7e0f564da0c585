package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.LabelValue;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.iter.TaskFileIterator.PerfEventFd;
import io.ebpfexporter.core.refs.ObjectOwners;
import io.ebpfexporter.core.refs.PerfEventFds;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Programs attached to perf events (tracepoints, kprobes, uprobes), by PERF_EVENT_IOC_SET_BPF or a
 * perf_event link, as {@code bpftool perf} finds them: BPF_TASK_FD_QUERY on every perf-event fd of the
 * host ({@link PerfEventFds}). The query needs CAP_SYS_ADMIN; without it the kernel refuses (EPERM)
 * and this kind reports failure. An fd that runs no program, or a process or fd gone meanwhile, is
 * skipped.
 */
public final class PerfEventAttachments implements AttachmentSource {
    /** {@code enum bpf_task_fd_type} → the kind label, bpftool's word for it. */
    private static final String[] KINDS = {"raw_tracepoint", "tracepoint", "kprobe", "kretprobe", "uprobe", "uretprobe"};
    /** {@code enum bpf_task_fd_type} → {@code enum bpf_perf_event_type}, by which a perf_event link names it. */
    private static final int[] LINK_PERF_TYPES = {0, 5, 3, 4, 1, 2};
    private static final int TRACEPOINT = 1;
    private static final int KPROBE = 2;
    private static final int KRETPROBE = 3;

    /** What a perf_event link tells of its event: the program, the kind, the name probed and the offset. */
    private record Target(int progId, int kind, String name, long offset) {
    }

    /** One perf event's attachment: where it is held, and what the kernel said of it. */
    private record Attachment(PerfEventFd held, Bpf.TaskFd query, String target) {
        int kind() {
            return query.fdType();
        }

        Target linkTarget() {
            return new Target(query.progId(), kind(), target, kind() <= TRACEPOINT ? 0 : query.probeOffset());
        }
    }

    @Override
    public String name() {
        return "perf_event";
    }

    @Override
    public AttachmentFamily family() {
        return AttachmentFamily.PERF_EVENT;
    }

    @Override
    public void add(AttachmentScan scan, Family family) {
        PerfEventFds.Found found = PerfEventFds.scan(scan.scrape().host());
        List<Attachment> attachments = new ArrayList<>();
        try (NativeBuffer name = new NativeBuffer(LinkStrings.MAX_BYTES)) {
            for (PerfEventFd held : found.fds()) {
                Bpf.TaskFd query = query(scan.bpf(), held, name);
                if (query != null) {
                    attachments.add(new Attachment(held, query, LabelValue.of(query.name())));
                }
            }
        }
        Map<Target, Integer> sameTarget = new HashMap<>();
        attachments.forEach(a -> sameTarget.merge(a.linkTarget(), 1, Integer::sum));
        for (Attachment a : attachments) {
            // the link is told only for an event alone on its target: two events there, one linked, look alike
            series(family, a, sameTarget.get(a.linkTarget()) == 1 ? link(scan, a.linkTarget()) : 0);
        }
        if (found.truncated()) {
            throw new IllegalStateException("the /proc scan for perf-event fds ran out of its "
                    + ObjectOwners.BUDGET.toSeconds() + " s budget: the perf events of the processes left are missing");
        }
    }

    /** The query's answer, or null when the fd runs no program or went away. */
    private static Bpf.TaskFd query(Bpf bpf, PerfEventFd held, NativeBuffer name) {
        try {
            return bpf.taskFdQuery(held.tgid(), held.fd(), name);
        } catch (BpfException e) {
            return switch (e.errno()) {
                case Errno.ENOENT, Errno.EBADF, Errno.ENOTSUPP -> null;
                case Errno.EPERM -> throw new IllegalStateException(
                        "BPF_TASK_FD_QUERY refused (EPERM): it needs CAP_SYS_ADMIN", e);
                default -> throw e;
            };
        }
    }

    private static int link(AttachmentScan scan, Target t) {
        return t.kind() > 0 && t.kind() < LINK_PERF_TYPES.length
                ? scan.perfEventLink(LINK_PERF_TYPES[t.kind()], t.name(), t.offset(), t.progId()) : 0;
    }

    /**
     * The series, its labels as bpftool shows them: a tracepoint has its name only; a kprobe its function
     * and offset, or its address when placed by address; a uprobe its file and offset.
     */
    private static void series(Family family, Attachment a, int link) {
        Bpf.TaskFd q = a.query();
        int kind = a.kind();
        boolean byAddress = (kind == KPROBE || kind == KRETPROBE) && a.target().isEmpty();
        boolean hasOffset = kind >= KPROBE && !byAddress;
        family.add(Integer.toUnsignedString(q.progId()), Integer.toString(a.held().tgid()),
                Integer.toString(a.held().fd()), kind >= 0 && kind < KINDS.length ? KINDS[kind] : Integer.toString(kind),
                a.target(), hasOffset ? Long.toUnsignedString(q.probeOffset()) : "",
                byAddress ? Long.toUnsignedString(q.probeAddr()) : "", AttachmentFamily.id(link));
    }
}
