package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A program run all the time, so that statistics show it running: a socket filter or XDP program by
 * BPF_PROG_TEST_RUN, or any program by whatever {@code run} does to make the kernel run it, called over
 * and over on a thread of its own (which then owns the kit it uses: make other fixtures with another kit).
 */
final class RunningProgram implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread runner;

    RunningProgram(Fixtures fx, Fixtures.Made program) {
        this(() -> fx.testRun(program, 1000));
    }

    RunningProgram(Runnable run) {
        runner = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                run.run();
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
