package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.LinkRecipes;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Programs attached for real to interfaces (XDP and tc through ip and tc, tcx and XDP links) and to
 * cgroups (bpftool cgroup attach, a cgroup link), and the exact series the collector reports for each,
 * compared with what bpftool reports of the same objects.
 */
class AttachmentsCollectorTest {
    private static final String PIN_DIR = "/sys/fs/bpf";

    /** Undo steps of the objects this test makes besides HostSetup's, run in reverse order. */
    private final Deque<Runnable> undo = new ArrayDeque<>();

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
        Kernel.requireTool("ip");
        Kernel.requireTool("tc");
        Kernel.requireTool("bpftool");
    }

    /** One series line as the text format writes it: labels in name order. */
    private static String line(String family, Map<String, String> labels) {
        StringBuilder out = new StringBuilder(family).append('{');
        new TreeMap<>(labels).forEach((k, v) -> out.append(k).append("=\"").append(v).append("\","));
        out.setLength(out.length() - 1);
        return out.append("} 1").toString();
    }

    private static String netdev(int progId, String device, String hook, String mode, String priority, String handle,
                                 int linkId) throws IOException {
        return line("ebpf_program_netdev_attachment_info", Map.of("prog_id", Integer.toString(progId),
                "netns_ino", Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino").toString(),
                "interface_index", Integer.toString(HostSetup.ifindex(device)), "interface_name", device, "hook", hook,
                "mode", mode, "priority", priority, "handle", handle, "link_id", linkId == 0 ? "" : Integer.toString(linkId)));
    }

    private static String cgroup(int progId, String cgroup, String attachType, String flags, boolean inherited, int linkId) {
        return line("ebpf_program_cgroup_attachment_info", Map.of("prog_id", Integer.toString(progId), "cgroup", cgroup,
                "attach_type", attachType, "attach_flags", flags, "inherited", Boolean.toString(inherited),
                "link_id", linkId == 0 ? "" : Integer.toString(linkId)));
    }

    private static void assertLine(String metrics, String line) {
        assertTrue(metrics.contains(line + "\n"), "missing " + line + " in\n" + metrics);
    }

    private static AttachmentsCollector collector(boolean inherited) {
        AttachmentsCollector c = new AttachmentsCollector();
        c.configure(new MapSettings("attachments", Map.of("cgroup_inherited", Boolean.toString(inherited)), Naming.STANDARD));
        return c;
    }

    /** Pins {@code program} for ip and tc, which take a program by path; the pin is removed after the test. */
    private String pin(Fixtures fx, Fixtures.Made program, String name) {
        String path = PIN_DIR + "/" + name + ProcessHandle.current().pid();
        fx.pin(program, path);
        undo.push(() -> Path.of(path).toFile().delete());
        return path;
    }

    private void runUndo() {
        while (!undo.isEmpty()) {
            undo.pop().run();
        }
    }

    /** Whether some series of {@code family} has every label of {@code labels}. */
    private static boolean hasSeries(String metrics, String family, Map<String, String> labels) {
        return metrics.lines().filter(l -> l.startsWith(family + "{"))
                .anyMatch(l -> labels.entrySet().stream().allMatch(e -> l.contains(e.getKey() + "=\"" + e.getValue() + "\"")));
    }

    /**
     * Each XDP program and clsact filter {@code bpftool -j net show dev} lists on {@code device} is a series
     * with the same program, hook and XDP mode; returns how many bpftool listed.
     */
    private static int sameAsBpftoolNet(String metrics, String device) {
        String json = HostSetup.run("bpftool", "-j", "net", "show", "dev", device);
        int listed = 0;
        Matcher xdp = Pattern.compile("\\{\"devname\":\"" + device + "\",\"ifindex\":\\d+,\"mode\":\"(\\w+)\",\"id\":(\\d+)")
                .matcher(json);
        while (xdp.find()) {
            listed++;
            assertTrue(hasSeries(metrics, "ebpf_program_netdev_attachment_info", Map.of("interface_name", device,
                    "hook", "xdp", "mode", xdp.group(1), "prog_id", xdp.group(2))), json + " in\n" + metrics);
        }
        Matcher tc = Pattern.compile("\"kind\":\"clsact/(ingress|egress)\",\"name\":\"[^\"]*\",\"id\":(\\d+)").matcher(json);
        while (tc.find()) {
            listed++;
            assertTrue(hasSeries(metrics, "ebpf_program_netdev_attachment_info", Map.of("interface_name", device,
                    "hook", "tc_" + tc.group(1), "prog_id", tc.group(2))), json + " in\n" + metrics);
        }
        return listed;
    }

    @Test
    void interfaceHooksOfEveryKindThisKernelHas() throws Exception {
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            LinkRecipes kit = new LinkRecipes(fx, host);
            String veth = host.veth(host.netns());
            String tag = veth.substring(0, veth.length() - 1);
            String second = tag + "c";
            HostSetup.run("ip", "link", "add", second, "type", "veth", "peer", "name", tag + "e");
            undo.push(() -> HostSetup.run("ip", "link", "del", second));
            try {
                var xdp = fx.program(Fixtures.PROG_XDP, "at_xdp", 0, 2);
                HostSetup.run("ip", "link", "set", "dev", veth, "xdpgeneric", "pinned", pin(fx, xdp, "at_xdp"));
                var ingress = fx.program(Fixtures.PROG_SCHED_CLS, "at_tc_in", 0, 0);
                var egress = fx.program(Fixtures.PROG_SCHED_CLS, "at_tc_out", 0, 0);
                HostSetup.run("tc", "qdisc", "add", "dev", veth, "clsact");
                HostSetup.run("tc", "filter", "add", "dev", veth, "ingress", "pref", "7", "handle", "0x5", "bpf",
                        "object-pinned", pin(fx, ingress, "at_tc_in"), "direct-action");
                HostSetup.run("tc", "filter", "add", "dev", veth, "egress", "pref", "9", "handle", "0x3", "bpf",
                        "object-pinned", pin(fx, egress, "at_tc_out"), "direct-action");
                var xdpLink = kit.xdp(HostSetup.ifindex(second)); // veth has XDP in its driver
                int xdpLinkProg = Integer.parseInt(io.ebpfexporter.testkit.Bpftool.field(
                        io.ebpfexporter.testkit.Bpftool.show("link", xdpLink.id()), "prog_id"));

                String m = Scrapes.text(collector(false));
                assertLine(m, netdev(xdp.id(), veth, "xdp", "generic", "", "", 0));
                assertLine(m, netdev(ingress.id(), veth, "tc_ingress", "", "7", "0x5", 0));
                assertLine(m, netdev(egress.id(), veth, "tc_egress", "", "9", "0x3", 0));
                assertLine(m, netdev(xdpLinkProg, second, "xdp", "driver", "", "", xdpLink.id()));
                assertLine(m, "ebpf_exporter_attachment_source_success{source=\"tc\"} 1.0");
                assertLine(m, "ebpf_exporter_attachment_source_success{source=\"xdp\"} 1.0");

                for (String device : new String[] {veth, second}) {
                    assertEquals(device.equals(veth) ? 3 : 1, sameAsBpftoolNet(m, device));
                }
                if (KernelFeatures.linkType("TCX")) {
                    var tcx = kit.tcx(HostSetup.ifindex(veth));
                    int tcxProg = Integer.parseInt(io.ebpfexporter.testkit.Bpftool.field(
                            io.ebpfexporter.testkit.Bpftool.show("link", tcx.id()), "prog_id"));
                    String withTcx = Scrapes.text(collector(false));
                    assertLine(withTcx, netdev(tcxProg, veth, "tcx_ingress", "", "", "", tcx.id()));
                    assertLine(withTcx, "ebpf_exporter_attachment_source_success{source=\"tcx\"} 1.0");
                } else {
                    KernelFeatures.missing("BPF_LINK_TYPE_TCX", "6.6");
                }
            } finally {
                runUndo();
            }
            assertFalse(Scrapes.text(collector(false)).contains("interface_name=\"" + second + "\""), "nothing left behind");
        }
    }
}
