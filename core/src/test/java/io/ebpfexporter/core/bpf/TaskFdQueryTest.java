package io.ebpfexporter.core.bpf;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.Libc;
import io.ebpfexporter.testkit.LinkRecipes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * BPF_TASK_FD_QUERY answers as the perf_event attachment source expects: the program and tracepoint of a
 * perf event that runs one, and the errno it skips for each fd that has nothing to say.
 */
class TaskFdQueryTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    private static int errno(Bpf bpf, int pid, int fd, NativeBuffer name) {
        return assertThrows(BpfException.class, () -> bpf.taskFdQuery(pid, fd, name)).errno();
    }

    @Test
    void aPerfEventsProgramAndTheErrnosOfFdsWithNone() throws Exception {
        Kernel.requireBpf();
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures(); Bpf bpf = new Bpf();
             NativeBuffer name = new NativeBuffer(4096)) {
            LinkRecipes kit = new LinkRecipes(fx, host);
            int bare = kit.tracepointEvent();
            assertEquals(Errno.ENOENT, errno(bpf, SELF, bare, name), "a perf event without a program");
            int event = kit.tracepointEvent();
            var prog = fx.program(Fixtures.PROG_TRACEPOINT, "fdq_tp");
            Libc.perfEventSetBpf(event, prog.fd());
            Bpf.TaskFd found = bpf.taskFdQuery(SELF, event, name);
            assertEquals(prog.id(), found.progId());
            assertEquals(1, found.fdType(), "BPF_FD_TYPE_TRACEPOINT");
            assertEquals("sys_enter_getppid", new String(found.name(), StandardCharsets.US_ASCII));
            assertEquals(Errno.ENOTSUPP, errno(bpf, SELF, prog.fd(), name), "a program's fd is no perf event");
            fx.close(new Fixtures.Made(event, 0));
            assertEquals(Errno.EBADF, errno(bpf, SELF, event, name), "an fd closed meanwhile");
            assertEquals(Errno.ENOENT, errno(bpf, Integer.MAX_VALUE, event, name), "a process gone meanwhile");
        }
    }
}
