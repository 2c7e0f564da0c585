package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.testkit.BpftoolAttachments;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.Libc;
import io.ebpfexporter.testkit.LinkRecipes;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Programs this test attaches to perf events it opens and holds (a tracepoint, a uprobe, kprobes), without
 * a link (PERF_EVENT_IOC_SET_BPF) and through a perf_event link: the exact series the collector reports
 * for each, compared with what {@code bpftool -j perf} reports of the same process and fd.
 */
class PerfEventAttachmentsTest {
    private static final String FAMILY = "ebpf_program_perf_event_attachment_info";
    private static final String SUCCESS = "ebpf_exporter_attachment_source_success{source=\"perf_event\"} 1.0";
    private static final long PID = ProcessHandle.current().pid();

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
        Kernel.requireTool("bpftool");
    }

    private static String scrape() {
        AttachmentsCollector c = new AttachmentsCollector();
        c.configure(new MapSettings("attachments", Map.of(), Naming.STANDARD));
        return Scrapes.text(c);
    }

    /** The series of the perf event this process holds by {@code fd}, labels in name order as the text format writes them. */
    private static String series(int progId, int fd, String kind, String target, String offset, String address, int linkId) {
        Map<String, String> labels = new TreeMap<>(Map.of("prog_id", Integer.toString(progId), "pid", Long.toString(PID),
                "fd", Integer.toString(fd), "kind", kind, "target", target, "offset", offset, "address", address,
                "link_id", linkId == 0 ? "" : Integer.toString(linkId)));
        StringBuilder out = new StringBuilder(FAMILY).append('{');
        labels.forEach((k, v) -> out.append(k).append("=\"").append(v).append("\","));
        out.setLength(out.length() - 1);
        return out.append("} 1").toString();
    }

    private static void assertLine(String metrics, String line) {
        assertTrue(metrics.contains(line + "\n"), "missing " + line + " in\n" + metrics);
    }

    /**
     * bpftool's entry for this process's {@code fd} names the same program, kind, target and offset as the
     * exporter's series for it.
     */
    private static void assertSameAsBpftool(String metrics, int fd) {
        BpftoolAttachments.perf(PID, fd).assertIn(metrics, "perf");
    }

    /** After {@code event} closes, no series names {@code progId}. */
    private static void assertGoneOnceClosed(Fixtures fx, int event, int progId) {
        fx.close(new Fixtures.Made(event, 0));
        assertFalse(scrape().contains("prog_id=\"" + progId + "\""), "nothing left of the closed event");
    }

    @Test
    void tracepointWithoutALink() throws Exception {
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            int event = new LinkRecipes(fx, host).tracepointEvent();
            var prog = fx.program(Fixtures.PROG_TRACEPOINT, "pe_tp");
            Libc.perfEventSetBpf(event, prog.fd());
            String m = scrape();
            assertLine(m, series(prog.id(), event, "tracepoint", "sys_enter_getppid", "", "", 0));
            assertLine(m, SUCCESS);
            assertSameAsBpftool(m, event);
            assertGoneOnceClosed(fx, event, prog.id());
        }
    }

    /** A perf_event link names its target from Linux 6.6 on: there the series names the link too. */
    @Test
    void tracepointHeldByALink() throws Exception {
        KernelFeatures.require(KernelFeatures.linkType("PERF_EVENT"), "BPF_LINK_TYPE_PERF_EVENT", "5.15");
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            LinkRecipes kit = new LinkRecipes(fx, host);
            int event = kit.tracepointEvent();
            var prog = fx.program(Fixtures.PROG_TRACEPOINT, "pe_tp_link");
            var link = kit.perfEventLink(prog, event);
            String m = scrape();
            assertLine(m, series(prog.id(), event, "tracepoint", "sys_enter_getppid", "", "",
                    linksNameTheirTarget() ? link.id() : 0));
            assertSameAsBpftool(m, event);
        }
    }

    private static boolean linksNameTheirTarget() {
        if (KernelFeatures.linkInfo("perf_event")) {
            return true;
        }
        KernelFeatures.missing("bpf_link_info.perf_event, which names a perf_event link's target: link_id is empty", "6.6");
        return false;
    }

    /**
     * A uprobe a link holds names the link; once a second uprobe runs the same program at the same place
     * without a link, which of the two the link holds cannot be told, and neither names it.
     */
    @Test
    void uprobeHeldByALinkBesideATwinWithout() throws Exception {
        requireUprobes();
        KernelFeatures.require(KernelFeatures.linkType("PERF_EVENT"), "BPF_LINK_TYPE_PERF_EVENT", "5.15");
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            LinkRecipes kit = new LinkRecipes(fx, host);
            Path target = host.probeTarget().toRealPath(); // the path the link reports, through d_path
            String offset = Long.toString(LinkRecipes.UPROBE_OFFSET);
            int event = kit.uprobeEvent(target);
            var prog = fx.program(Fixtures.PROG_KPROBE, "pe_uprobe_link");
            var link = kit.perfEventLink(prog, event);
            String m = scrape();
            assertLine(m, series(prog.id(), event, "uprobe", target.toString(), offset, "", linksNameTheirTarget() ? link.id() : 0));

            int twin = kit.uprobeEvent(target);
            Libc.perfEventSetBpf(twin, prog.fd());
            String both = scrape();
            assertLine(both, series(prog.id(), event, "uprobe", target.toString(), offset, "", 0));
            assertLine(both, series(prog.id(), twin, "uprobe", target.toString(), offset, "", 0));
            assertSameAsBpftool(both, twin);
        }
    }

    private static void requireUprobes() {
        KernelFeatures.require(Files.exists(Path.of("/sys/bus/event_source/devices/uprobe/type")), "uprobe PMU", "4.17");
    }

    @Test
    void uprobeWithoutALink() throws Exception {
        requireUprobes();
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            Path target = host.probeTarget();
            int event = new LinkRecipes(fx, host).uprobeEvent(target);
            var prog = fx.program(Fixtures.PROG_KPROBE, "pe_uprobe");
            Libc.perfEventSetBpf(event, prog.fd());
            String m = scrape();
            assertLine(m, series(prog.id(), event, "uprobe", target.toString(), Long.toString(LinkRecipes.UPROBE_OFFSET), "", 0));
            assertSameAsBpftool(m, event);
            assertGoneOnceClosed(fx, event, prog.id());
        }
    }

    /** kprobes and kretprobes, where the kernel has them (not every host does; the matrix guests do). */
    @Test
    void kprobeAndKretprobeWithoutALink() throws Exception {
        KernelFeatures.require(KernelFeatures.kprobes(), "kprobe PMU (CONFIG_KPROBES)", "4.17");
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            LinkRecipes kit = new LinkRecipes(fx, host);
            int entry = kit.kprobeEvent("do_nanosleep", false);
            int exit = kit.kprobeEvent("do_nanosleep", true);
            var prog = fx.program(Fixtures.PROG_KPROBE, "pe_kprobe");
            Libc.perfEventSetBpf(entry, prog.fd());
            Libc.perfEventSetBpf(exit, prog.fd());
            String m = scrape();
            assertLine(m, series(prog.id(), entry, "kprobe", "do_nanosleep", "0", "", 0));
            assertLine(m, series(prog.id(), exit, "kretprobe", "do_nanosleep", "0", "", 0));
            assertSameAsBpftool(m, entry);
            assertSameAsBpftool(m, exit);
        }
    }
}
