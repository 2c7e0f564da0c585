package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.Libc;
import io.ebpfexporter.testkit.LinkRecipes;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exporter as uid 65534 holding only CAP_BPF and CAP_PERFMON (iterators, reduced privileges) beside
 * one running as root, both with owners on: for the fixture objects, every series the reduced one exports
 * is the full one's, value and all; the series it cannot fill are absent; objects come, change and go; its fds return.
 */
class ReducedPrivilegeTest {
    static final String SETPRIV = "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+bpf,+perfmon"
            + " --ambient-caps=-all,+bpf,+perfmon --bounding-set=-all,+bpf,+perfmon";

    /** The series of {@code text} that name {@code label}="{@code id}", without the load timestamp (a clock read). */
    private static Set<String> seriesOf(String text, String label, int id) {
        return text.lines().filter(l -> !l.startsWith("#") && l.contains(label + "=\"" + id + "\"")
                && !l.startsWith("ebpf_program_loaded_timestamp_seconds")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static double loaded(String text, int id) {
        return text.lines().filter(l -> l.startsWith("ebpf_program_loaded_timestamp_seconds{prog_id=\"" + id + "\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
    }

    @Test
    void reducedModeExportsTheFullModesValuesForWhatItCanRead() throws Exception {
        Kernel.requireBpf();
        Kernel.requireTool("setpriv");
        KernelFeatures.require(KernelFeatures.member("bpf_iter__bpf_prog", "prog"), "iter/bpf_prog", "5.9");
        boolean links = KernelFeatures.member("bpf_iter__bpf_link", "link");
        String owners = "collectors:\n  programs:\n    owners: true\n  maps:\n    owners: true\n  links:\n    owners: true\n";
        try (Fixtures fx = new Fixtures(); ExporterProcess full = ExporterProcess.start(owners);
             ExporterProcess reduced = ExporterProcess.start("", owners, Map.of(ExporterProcess.WRAP, SETPRIV))) {
            assertTrue(reduced.output().contains("reduced privileges"), reduced.output());
            Fixtures.Made map = fx.map(Fixtures.MAP_HASH, 4, 8, 64, 0, "rp_map");
            Fixtures.Made prog = fx.programUsing(map, "rp_prog");
            Fixtures.Made frozen = fx.map(Fixtures.MAP_ARRAY, 4, 4, 2, 0, "rp_frozen");
            fx.freeze(frozen);
            Fixtures.Made link = fx.rawTracepoint(fx.program(LinkRecipes.PROG_RAW_TRACEPOINT, "rp_link_prog"), "sched_process_exec");

            String f = full.scrape();
            String r = reduced.scrape();
            for (String[] object : new String[][] {{"prog_id", "" + prog.id()}, {"map_id", "" + map.id()},
                    {"map_id", "" + frozen.id()}, {"link_id", "" + link.id()}}) {
                Set<String> inFull = seriesOf(f, object[0], Integer.parseInt(object[1]));
                Set<String> inReduced = seriesOf(r, object[0], Integer.parseInt(object[1]));
                assertTrue(inFull.containsAll(inReduced), object[0] + " " + object[1] + ": a value differs or is made up"
                        + "\nfull: " + inFull + "\nreduced: " + inReduced);
                Set<String> lost = new TreeSet<>(inFull);
                lost.removeAll(inReduced);
                for (String series : lost) {
                    String name = series.substring(0, series.indexOf('{'));
                    boolean allowed = name.equals("ebpf_map_memlock_bytes") || name.equals("ebpf_link_raw_tracepoint_info")
                            || name.equals("ebpf_program_recursion_misses_total") // per-CPU, as the run statistics
                            || (!links && name.startsWith("ebpf_link_"));
                    assertTrue(allowed, "reduced mode lacks " + series + ", which an iterator can read");
                }
            }
            assertTrue(r.contains("ebpf_program_map_info{map_id=\"" + map.id() + "\",prog_id=\"" + prog.id() + "\"} 1"), r);
            assertTrue(r.contains("ebpf_map_frozen{map_id=\"" + frozen.id() + "\"} 1"), r);
            assertTrue(r.contains("ebpf_program_memlock_bytes{prog_id=\"" + prog.id() + "\"}"), r);
            String owner = "pid=\"" + ProcessHandle.current().pid() + "\"";
            assertTrue(seriesOf(r, "map_id", map.id()).stream().anyMatch(l -> l.startsWith("ebpf_map_owner_info") && l.contains(owner)),
                    "owners through the task_file iterator: " + seriesOf(r, "map_id", map.id()));
            assertEquals(loaded(f, prog.id()), loaded(r, prog.id()), 1.0, "load time, through each one's boot clock");
            assertEquals(links, r.contains("ebpf_link_info{link_id=\"" + link.id() + "\""), r);
            assertFalse(r.contains("ebpf_btf_info{"), "no BTF objects without an iterator for them");
            assertTrue(r.contains("\nebpf_exporter_reduced_privileges 1.0\n") && f.contains("\nebpf_exporter_reduced_privileges 0.0\n"));
            assertFalse(r.contains("ebpf_exp_"), "the exporter's own iterator programs never appear");

            String live = new String(reduced.request("GET", "/live.json").body(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(live.contains("\"reduced_privileges\":true") && live.contains("\"reported\":false"),
                    "the live view can say why it has no run statistics: " + live);
            Fixtures.Made late = fx.map(Fixtures.MAP_HASH, 4, 4, 8, 0, "rp_late");
            assertTrue(seriesOf(reduced.scrape(), "map_id", late.id()).stream().anyMatch(l -> l.contains("map_name=\"rp_late\"")),
                    "a map made between two scrapes appears");
            fx.close(late);
            assertFalse(reduced.scrape().contains("map_name=\"rp_late\""), "gone once closed");
            Fixtures.Made thawed = fx.map(Fixtures.MAP_ARRAY, 4, 4, 2, 0, "rp_thawed");
            String thawedFrozen = "ebpf_map_frozen{map_id=\"" + thawed.id() + "\"} ";
            assertTrue(reduced.scrape().contains(thawedFrozen + "0"), "not frozen yet");
            fx.freeze(thawed);
            assertTrue(reduced.scrape().contains(thawedFrozen + "1"), "a map frozen between two scrapes reads 1 in the"
                    + " next: the row kept for it gives way to a new read");

            long baseline = reduced.openFds();
            for (int i = 0; i < 20; i++) {
                reduced.scrape();
            }
            assertTrue(reduced.waitForFds(baseline, Duration.ofSeconds(5)), "fds back to " + baseline + ": " + reduced.openFds());
        }
    }

    /**
     * Without CAP_NET_ADMIN the kernel refuses BPF_PROG_QUERY, and without CAP_SYS_ADMIN BPF_TASK_FD_QUERY:
     * the cgroup and perf_event kinds say so (success 0) and export nothing made up, while the netlink
     * dumps, which need no privilege, still answer.
     */
    @Test
    void attachmentsWithoutCapNetAdminOrCapSysAdminReportTheRefusedKinds() throws Exception {
        Kernel.requireBpf();
        Kernel.requireTool("setpriv");
        KernelFeatures.require(KernelFeatures.member("bpf_iter__bpf_prog", "prog"), "iter/bpf_prog", "5.9");
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures();
             ExporterProcess reduced = ExporterProcess.start("", "collectors:\n  attachments:\n    enabled: true\n",
                     Map.of(ExporterProcess.WRAP, SETPRIV))) {
            LinkRecipes kit = new LinkRecipes(fx, host);
            kit.cgroup(host.cgroup()); // a cgroup program exists: the walk must query
            int event = kit.tracepointEvent(); // a perf event runs a program: its fd must be queried
            Libc.perfEventSetBpf(event, fx.program(Fixtures.PROG_TRACEPOINT, "rp_perf").fd());
            String r = reduced.scrape();
            String success = "ebpf_exporter_attachment_source_success{source=\"%s\"} %s";
            assertTrue(r.contains(success.formatted("cgroup", "0.0")), r);
            assertTrue(r.contains(success.formatted("perf_event", "0.0")), r);
            assertTrue(r.contains(success.formatted("xdp", "1.0")) && r.contains(success.formatted("tc", "1.0")), r);
            assertFalse(r.contains("ebpf_program_cgroup_attachment_info{"), r);
            assertFalse(r.contains("ebpf_program_perf_event_attachment_info{"), r);
            assertTrue(reduced.output().contains("attachments of kind cgroup"), reduced.output());
            assertTrue(reduced.output().contains("attachments of kind perf_event: BPF_TASK_FD_QUERY refused (EPERM)"),
                    reduced.output());
        }
    }
}
