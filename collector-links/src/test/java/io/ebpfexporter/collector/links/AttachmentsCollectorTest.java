package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.testkit.Bpftool;
import io.ebpfexporter.testkit.BpftoolAttachments;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.Libc;
import io.ebpfexporter.testkit.LinkRecipes;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.OpenFds;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
        Map<String, String> labels = new TreeMap<>(Map.of("prog_id", Integer.toString(progId),
                "netns_ino", netnsIno(),
                "interface_index", Integer.toString(HostSetup.ifindex(device)), "interface_name", device, "hook", hook,
                "mode", mode, "priority", priority, "handle", handle, "link_id", linkId == 0 ? "" : Integer.toString(linkId)));
        labels.put("parent", ""); // clsact's filters: the hook names where they sit
        labels.put("chain", hook.startsWith("tc_") ? "0" : "");
        return line("ebpf_program_netdev_attachment_info", labels);
    }

    private static String cgroup(int progId, String cgroup, String attachType, String flags, boolean inherited, int linkId) {
        return line("ebpf_program_cgroup_attachment_info", Map.of("prog_id", Integer.toString(progId), "cgroup", cgroup,
                "attach_type", attachType, "attach_flags", flags, "inherited", Boolean.toString(inherited),
                "link_id", linkId == 0 ? "" : Integer.toString(linkId)));
    }

    /** The program a link attaches, as bpftool reports it. */
    private static int progOf(Fixtures.Made link) throws IOException, InterruptedException {
        return Integer.parseInt(Bpftool.field(Bpftool.show("link", link.id()), "prog_id"));
    }

    private static void assertLine(String metrics, String line) {
        assertTrue(metrics.contains(line + "\n"), "missing " + line + " in\n" + metrics);
    }

    private static AttachmentsCollector collector(boolean inherited) {
        return collector(inherited, Naming.STANDARD);
    }

    private static AttachmentsCollector collector(boolean inherited, Naming naming) {
        AttachmentsCollector c = new AttachmentsCollector();
        c.configure(new MapSettings("attachments", Map.of("cgroup_inherited", Boolean.toString(inherited)), naming));
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

    /**
     * Each XDP program and tc filter {@code bpftool -j net show dev} lists on {@code device} is a series with
     * the same program, interface, hook and XDP mode; returns how many bpftool listed.
     */
    private static int sameAsBpftoolNet(String metrics, String device) throws IOException {
        List<BpftoolAttachments.Listed> listed = BpftoolAttachments.net(List.of(), netnsIno(), device);
        listed.forEach(l -> l.assertIn(metrics, "net show dev " + device));
        return listed.size();
    }

    private static String netnsIno() throws IOException {
        return Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino").toString();
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
                int xdpLinkProg = progOf(xdpLink);

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
                    int tcxProg = progOf(tcx);
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

    /**
     * Each program {@code bpftool -j cgroup tree} lists under {@code top} (with {@code effective}, those that
     * run there, inherited or not) is a series with the same cgroup, program, attach type and, for those
     * attached there, attach flags; bpftool lists {@code expected} of them.
     */
    private static void assertSameAsBpftoolCgroupTree(String metrics, Path root, Path top, boolean effective, int expected) {
        List<BpftoolAttachments.Listed> listed = BpftoolAttachments.cgroupTree(root, top, effective);
        listed.forEach(l -> l.assertIn(metrics, "cgroup tree " + top + (effective ? " effective" : "")));
        assertEquals(expected, listed.size(), listed.toString());
    }

    private static List<String> socketsAndCgroups() throws IOException {
        return OpenFds.targets("self").stream().filter(t -> t.startsWith("socket:") || t.startsWith("/sys/fs/cgroup")).toList();
    }

    /** A cgroup directory under {@code parent}, removed after the test. */
    private Path cgroupDir(Path parent, String name) throws IOException {
        Path dir = Files.createDirectory(parent.resolve(name));
        undo.push(() -> dir.toFile().delete());
        return dir;
    }

    @Test
    void cgroupProgramsDirectOverrideMultiLinkedAndInherited() throws Exception {
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            LinkRecipes kit = new LinkRecipes(fx, host);
            Path parent = host.cgroup();
            try {
                Path child = cgroupDir(parent, "child");
                Path grandchild = cgroupDir(child, "grandchild");
                var in1 = fx.program(Fixtures.PROG_CGROUP_SKB, "at_cg_in1", Fixtures.ATTACH_CGROUP_INET_INGRESS, 1);
                var in2 = fx.program(Fixtures.PROG_CGROUP_SKB, "at_cg_in2", Fixtures.ATTACH_CGROUP_INET_INGRESS, 1);
                var out = fx.program(Fixtures.PROG_CGROUP_SKB, "at_cg_out", 1, 1);
                HostSetup.run("bpftool", "cgroup", "attach", parent.toString(), "ingress", "id", Integer.toString(in1.id()), "multi");
                HostSetup.run("bpftool", "cgroup", "attach", parent.toString(), "ingress", "id", Integer.toString(in2.id()), "multi");
                HostSetup.run("bpftool", "cgroup", "attach", child.toString(), "egress", "id", Integer.toString(out.id()), "override");
                var link = kit.cgroup(child);
                int linkProg = progOf(link);
                Path root = parent.getParent();
                String p = "/" + root.relativize(parent);
                String c = "/" + root.relativize(child);
                String g = "/" + root.relativize(grandchild);

                String m = Scrapes.text(collector(true));
                for (String line : new String[] {
                    cgroup(in1.id(), p, "cgroup_inet_ingress", "multi", false, 0),
                    cgroup(in2.id(), p, "cgroup_inet_ingress", "multi", false, 0),
                    cgroup(out.id(), c, "cgroup_inet_egress", "override", false, 0),
                    cgroup(linkProg, c, "cgroup_inet_ingress", "multi", false, link.id()),
                    cgroup(in1.id(), c, "cgroup_inet_ingress", "", true, 0),
                    cgroup(in2.id(), c, "cgroup_inet_ingress", "", true, 0),
                    cgroup(in1.id(), g, "cgroup_inet_ingress", "", true, 0),
                    cgroup(in2.id(), g, "cgroup_inet_ingress", "", true, 0),
                    cgroup(linkProg, g, "cgroup_inet_ingress", "", true, 0),
                    cgroup(out.id(), g, "cgroup_inet_egress", "", true, 0),
                }) {
                    assertLine(m, line);
                }
                assertEquals(10, m.lines().filter(l -> l.contains("cgroup=\"" + p)).count(), m);
                // bpftool's cgroup tree asks BPF_PROG_QUERY for prog_attach_flags, which came with
                // bpf_prog_info.attach_btf_id (6.0): an older kernel refuses the query and bpftool lists nothing.
                if (KernelFeatures.member("bpf_prog_info", "attach_btf_id")) {
                    assertSameAsBpftoolCgroupTree(m, root, parent, false, 4);
                    assertSameAsBpftoolCgroupTree(m, root, parent, true, 10);
                } else {
                    KernelFeatures.missing("BPF_PROG_QUERY's prog_attach_flags, which bpftool's cgroup tree asks for;"
                            + " the series above are checked, not compared with bpftool", "6.0");
                }
                assertLine(m, "ebpf_exporter_attachment_source_success{source=\"cgroup\"} 1.0");

                String direct = Scrapes.text(collector(false));
                assertEquals(4, direct.lines().filter(l -> l.contains("cgroup=\"" + p)).count(), direct);
                assertFalse(direct.contains("inherited=\"true\""), direct);
                String seed = Scrapes.text(collector(false, Naming.SEED));
                assertLine(seed, cgroup(out.id(), c, "CGROUP_INET_EGRESS", "override", false, 0));

                List<String> before = socketsAndCgroups();
                Scrapes.text(collector(true));
                assertEquals(before, socketsAndCgroups(), "the netlink socket and cgroup fds are closed");
            } finally {
                runUndo();
            }
        }
    }

    /**
     * A cgroup named with a quote, a backslash, a space and byte 0xff (made by its bytes: no Java path can
     * name it) shows its program under its path as a label value: the backslash doubled, 0xff as {@code \xff}.
     */
    @Test
    void aCgroupNamedWithAnyBytesShowsItsPathAsALabelValue() throws Exception {
        byte[] name = {'o', 'd', 'd', '"', '\\', ' ', (byte) 0xff};
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            Path parent = host.cgroup();
            int parentFd = fx.adopt(Libc.openOrFail(parent.toString(), Libc.O_RDONLY | Libc.O_DIRECTORY));
            int odd = Libc.mkdirAndOpen(parentFd, name);
            try {
                var link = new LinkRecipes(fx, host).cgroup(odd);
                String path = "/" + parent.getParent().relativize(parent) + "/odd\\\"\\\\\\\\ \\\\xff";
                String m = Scrapes.text(collector(false));
                assertLine(m, cgroup(progOf(link), path, "cgroup_inet_ingress", "multi", false, link.id()));
                fx.close(link);
            } finally {
                Bpf.close(odd);
                Libc.rmdirAt(parentFd, name);
            }
        }
    }
}
