package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A socket filter or XDP program run all the time (BPF_PROG_TEST_RUN on a thread of its own, which then
 * owns {@code fx}: make other fixtures with another kit), so that statistics show it running.
 */
final class RunningProgram implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread runner;

    RunningProgram(Fixtures fx, Fixtures.Made program) {
        runner = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                fx.testRun(program, 1000);
                Thread.yield();
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        runner.join();
    }
}
