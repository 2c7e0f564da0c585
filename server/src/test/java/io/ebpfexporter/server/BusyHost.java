package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the operator's kit is tested on: a socket filter that runs all the time (BPF_PROG_TEST_RUN on a
 * thread of its own, which then owns {@code fx}: make other fixtures with another kit), a hash map 95 %
 * full, and the exporter config that reports both.
 */
final class BusyHost implements AutoCloseable {
    /** Program statistics on and entry counting on: runs per second and map pressure. */
    static final String CONFIG = "collectors:\n  programs:\n    stats:\n      mode: enabled\n  maps:\n    count_entries: true\n";

    final Fixtures.Made program;
    final Fixtures.Made map;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread runner;

    BusyHost(Fixtures fx, String prefix) {
        program = fx.program(Fixtures.PROG_SOCKET_FILTER, prefix + "_runs");
        map = fx.map(Fixtures.MAP_HASH, 4, 4, 100, 0, prefix + "_full");
        fx.fill(map, 95);
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
