package io.ebpfexporter.core.refs;

import io.ebpfexporter.core.iter.TaskFileIterator;
import io.ebpfexporter.core.iter.TaskFileIterator.PerfEventFd;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.LinkRecipes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The perf-event fds this process holds, found by the task_file iterator's perf-event program and by the
 * /proc fallback alike; the owners' program still reports BPF objects only.
 */
class PerfEventFdsTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    private static List<PerfEventFd> ours(List<PerfEventFd> all) {
        return all.stream().filter(f -> f.tgid() == SELF).sorted((a, b) -> Integer.compare(a.fd(), b.fd())).toList();
    }

    private static long ownRecords(TaskFileIterator.Plan plan) {
        return TaskFileIterator.read(plan).stream().filter(h -> h.tgid() == SELF).count();
    }

    @Test
    void theIteratorAndProcFindTheSamePerfEventsAndOwnersSeeNone() throws Exception {
        Kernel.requireBpf();
        var plan = TaskFileIterator.plan();
        KernelFeatures.require(plan.isPresent(), "BTF for the task_file iterator (the /proc fallback is what runs)", "5.9");
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            LinkRecipes kit = new LinkRecipes(fx, host);
            fx.program(Fixtures.PROG_TRACEPOINT, "pf_prog"); // a BPF fd, not a perf event
            long owned = ownRecords(plan.get());
            int first = kit.tracepointEvent();
            int second = kit.tracepointEvent();

            List<PerfEventFd> fromIterator = ours(TaskFileIterator.perfEvents(plan.get()));
            assertTrue(fromIterator.containsAll(List.of(new PerfEventFd(SELF, first), new PerfEventFd(SELF, second))),
                    fromIterator.toString());
            PerfEventFds.Found fromProc = PerfEventFds.scanProc(Host.LIVE);
            assertEquals(fromIterator, ours(fromProc.fds()));
            assertEquals(fromIterator, ours(PerfEventFds.scan(Host.LIVE).fds()));
            assertEquals(owned, ownRecords(plan.get()), "the owners' records are BPF objects only");
        }
    }
}
