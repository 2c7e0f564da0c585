package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;

/**
 * What the operator's kit is tested on: a socket filter that runs all the time (a {@link RunningProgram},
 * which then owns {@code fx}: make other fixtures with another kit), a hash map 95 % full, and the
 * exporter config that reports both.
 */
final class BusyHost implements AutoCloseable {
    /** Program statistics on and entry counting on: runs per second and map pressure. */
    static final String CONFIG = "collectors:\n  programs:\n    stats:\n      mode: enabled\n  maps:\n    count_entries: true\n";
    /** {@link #CONFIG} with the attachments collector on: where each program runs. */
    static final String CONFIG_WITH_ATTACHMENTS = CONFIG + "  attachments:\n    enabled: true\n";

    final Fixtures.Made program;
    final Fixtures.Made map;
    private final RunningProgram runner;

    BusyHost(Fixtures fx, String prefix) {
        program = fx.program(Fixtures.PROG_SOCKET_FILTER, prefix + "_runs");
        map = fx.map(Fixtures.MAP_HASH, 4, 4, 100, 0, prefix + "_full");
        fx.fill(map, 95);
        runner = new RunningProgram(fx, program);
    }

    @Override
    public void close() throws InterruptedException {
        runner.close();
    }
}
