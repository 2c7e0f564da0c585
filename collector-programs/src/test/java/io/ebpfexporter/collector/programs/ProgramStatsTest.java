package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.testkit.Bpftool;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.OpenFds;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ebpfexporter.collector.programs.ProgramsCollectorTest.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three stats modes on the real kernel, measured with BPF_PROG_TEST_RUN runs. */
class ProgramStatsTest {

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
    }

    private static ProgramsCollector collector(Naming naming, String... keyValues) {
        Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        ProgramsCollector c = new ProgramsCollector();
        c.configure(new MapSettings("programs", values, naming));
        return c;
    }

    /** This process's BPF_ENABLE_STATS fds, which readlink shows as anon_inode:bpf-stats. */
    private static long statsFds() throws IOException {
        return OpenFds.pointingAt("self", "anon_inode:bpf-stats");
    }

    /**
     * Whether programs are counted without this process: the sysctl, or another process's stats fd
     * (another exporter, bpftop). Then runs keep being counted after the exporter lets go.
     */
    private static boolean countedElsewhere() throws IOException {
        return RunTimeStats.sysctlEnabled(Host.LIVE) || OpenFds.heldElsewhere("anon_inode:bpf-stats");
    }

    private static long bpftoolRunCount(int id) throws Exception {
        String json = Bpftool.show("prog", id);
        return json.contains("\"run_cnt\"") ? Long.parseLong(Bpftool.field(json, "run_cnt")) : 0;
    }

    @Test
    void disabledTakesNoFdAndExportsNoRunCountersUnlessTheSysctlCounts() throws Exception {
        try (Fixtures fx = new Fixtures(); ProgramsCollector c = collector(Naming.STANDARD)) {
            var prog = fx.program(Fixtures.PROG_SOCKET_FILTER, "ps_disabled");
            fx.testRun(prog, 10);
            String metrics = Scrapes.text(c);
            boolean sysctl = RunTimeStats.sysctlEnabled(Host.LIVE);
            assertEquals(0, statsFds());
            assertEquals(sysctl, metrics.contains("ebpf_program_run_count_total{prog_id=\"" + prog.id() + "\"}"), metrics);
            assertTrue(metrics.contains("ebpf_exporter_program_stats_enabled " + (sysctl ? "1.0" : "0.0")), metrics);
            assertFalse(metrics.contains("ebpf_exporter_program_stats_sample_ratio"), metrics);
        }
    }

    @Test
    void enabledCountsEveryRunUntilClosedThenFreezes() throws Exception {
        try (Fixtures fx = new Fixtures()) {
            var filter = fx.program(Fixtures.PROG_SOCKET_FILTER, "ps_filter");
            var xdp = fx.program(Fixtures.PROG_XDP, "ps_xdp", Fixtures.ATTACH_XDP, 2);
            try (ProgramsCollector c = collector(Naming.STANDARD, "stats.mode", "enabled")) {
                assertEquals(1, statsFds());
                assertTrue(c.startupNote().contains("every BPF program on the host pays"), c.startupNote());
                fx.testRun(filter, 1000);
                fx.testRun(xdp, 250);
                String metrics = Scrapes.text(c);
                assertEquals(1000.0, series(metrics, "ebpf_program_run_count_total", filter.id()));
                assertEquals(250.0, series(metrics, "ebpf_program_run_count_total", xdp.id()));
                assertTrue(series(metrics, "ebpf_program_run_duration_seconds_total", filter.id()) > 0, metrics);
                assertTrue(metrics.contains("ebpf_exporter_program_stats_enabled 1.0"), metrics);
                assertTrue(metrics.contains("# TYPE ebpf_program_run_count_total counter"), metrics);
                assertEquals(1000, bpftoolRunCount(filter.id()));
            }
            assertEquals(0, statsFds(), "the fd is closed with the collector");
            fx.testRun(filter, 500);
            long expected = countedElsewhere() ? 1500 : 1000;
            assertEquals(expected, bpftoolRunCount(filter.id()), "counting stopped with the exporter's fd");
        }
    }

    @Test
    void seedNamingEmitsTheSeedsNamesAndNanoseconds() throws Exception {
        try (Fixtures fx = new Fixtures();
             ProgramsCollector c = collector(Naming.SEED, "stats.mode", "enabled")) {
            var prog = fx.program(Fixtures.PROG_SOCKET_FILTER, "ps_seed");
            fx.testRun(prog, 100);
            String metrics = Scrapes.text(c);
            assertEquals(100.0, series(metrics, "ebpf_program_run_count", prog.id()));
            String id = Integer.toUnsignedString(prog.id());
            Matcher duration = Pattern.compile("(?m)^ebpf_program_run_duration_nanoseconds\\{id=\"" + id
                    + "\",prog_id=\"" + id + "\"} (\\S+)$").matcher(metrics);
            assertTrue(duration.find(), "the seed's id label, prog_id beside it:\n" + metrics);
            double nanos = Double.parseDouble(duration.group(1));
            assertTrue(nanos >= 1 && nanos == Math.rint(nanos), "whole nanoseconds: " + nanos);
            assertFalse(metrics.contains("ebpf_program_run_count_total"), metrics);
            assertFalse(metrics.contains("ebpf_program_run_duration_seconds_total"), metrics);
        }
    }

    @Test
    void sampleHoldsTheFdOnlyInWindowsAndLeaksNothingOver100Windows() throws Exception {
        try (Fixtures fx = new Fixtures()) {
            var prog = fx.program(Fixtures.PROG_SOCKET_FILTER, "ps_sample");
            int held = 0;
            int free = 0;
            int runs = 0;
            ProgramsCollector c = collector(Naming.STANDARD,
                    "stats.mode", "sample", "stats.sample_interval", "100ms", "stats.sample_duration", "30ms");
            try {
                long end = System.nanoTime() + 10_000_000_000L; // 100 windows
                while (System.nanoTime() < end) {
                    long fds = statsFds();
                    assertTrue(fds <= 1, "at most one stats fd: " + fds);
                    if (fds == 1) {
                        held++;
                    } else {
                        free++;
                    }
                    fx.testRun(prog, 1);
                    runs++;
                    Thread.sleep(2);
                }
                String metrics = Scrapes.text(c);
                // the sysctl counts all the time: then the share of counted time is 1
                String ratio = RunTimeStats.sysctlEnabled(Host.LIVE) ? "1.0" : "0.3";
                assertTrue(metrics.contains("ebpf_exporter_program_stats_sample_ratio " + ratio + "\n"), metrics);
                double counted = series(metrics, "ebpf_program_run_count_total", prog.id());
                assertTrue(counted > 0 && (counted < runs || countedElsewhere()), counted + " of " + runs
                        + " runs fall inside windows");
                double share = (double) held / (held + free);
                assertTrue(share > 0.1 && share < 0.6, "fd held " + share + " of the time, windows are 30%");
            } finally {
                c.close();
            }
            assertEquals(0, statsFds(), "no stats fd survives the collector");
            if (!countedElsewhere()) {
                long frozen = bpftoolRunCount(prog.id());
                fx.testRun(prog, 50);
                assertEquals(frozen, bpftoolRunCount(prog.id()), "no window opens after close");
            }
        }
    }
}
