package io.ebpfexporter.collector.links;

import io.ebpfexporter.testkit.Bpftool;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.LinkRecipes;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real link of every type this kernel can make, and the exact series the collector reports for it. */
class LinksCollectorTest {

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
        Kernel.requireTool("ip");
    }

    private static void assertLine(String metrics, String line) {
        assertTrue(metrics.contains(line + "\n"), "missing " + line + " in\n" + metrics);
    }

    private static String header(Fixtures.Made link, String type, Fixtures.Made program) {
        return "ebpf_link_info{link_id=\"" + link.id() + "\",link_type=\"" + type + "\",prog_id=\""
                + (program == null ? 0 : program.id()) + "\"} 1";
    }

    private static long inode(String path) throws Exception {
        return (Long) Files.getAttribute(Path.of(path), "unix:ino");
    }

    @Test
    void everyLinkTypeThisKernelCanMake() throws Exception {
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            LinkRecipes kit = new LinkRecipes(fx, host);
            String netns = host.netns();
            String veth = host.veth(netns);
            int ifindex = HostSetup.ifindex(veth);
            Path cgroup = host.cgroup();
            Path probe = host.probeTarget();
            int pid = (int) ProcessHandle.current().pid();
            var sockmap = kit.sockmapMap();

            var rawTp = kit.rawTracepoint();
            var cg = kit.cgroup(cgroup);
            var iter = kit.iter();
            var flow = kit.flowDissector(netns);
            var xdp = kit.xdp(ifindex);
            var tp = kit.tracepointPerfEvent();
            var uprobe = kit.uprobePerfEvent(probe);
            var nf = kit.netfilter();
            var tcx = kit.tcx(ifindex);
            var umulti = kit.uprobeMulti(probe, pid);
            var sk = kit.sockmap(sockmap);

            String m = Scrapes.text(new LinksCollector());
            String id = "link_id=\"";
            assertLine(m, "ebpf_link_raw_tracepoint_info{" + id + rawTp.id() + "\",tp_name=\"sched_process_exec\"} 1");
            assertLine(m, "ebpf_link_cgroup_info{attach_type=\"cgroup_inet_ingress\",cgroup_id=\""
                    + inode(cgroup.toString()) + "\"," + id + cg.id() + "\"} 1");
            assertLine(m, "ebpf_link_iter_info{" + id + iter.id() + "\",map_id=\"\",target_name=\"bpf_map\"} 1");
            assertLine(m, "ebpf_link_netns_info{attach_type=\"flow_dissector\"," + id + flow.id() + "\",netns_ino=\""
                    + inode(netns) + "\"} 1");
            assertLine(m, "ebpf_link_xdp_info{interface_index=\"" + ifindex + "\",interface_name=\"" + veth + "\","
                    + id + xdp.id() + "\"} 1");
            assertLine(m, "ebpf_link_perf_event_info{address=\"\",event_config=\"\",event_type=\"\"," + id + tp.id()
                    + "\",name=\"sys_enter_getppid\",offset=\"\",perf_event_type=\"tracepoint\"} 1");
            assertLine(m, "ebpf_link_perf_event_info{address=\"\",event_config=\"\",event_type=\"\"," + id + uprobe.id()
                    + "\",name=\"" + probe + "\",offset=\"" + LinkRecipes.UPROBE_OFFSET
                    + "\",perf_event_type=\"uprobe\"} 1");
            assertLine(m, "ebpf_link_netfilter_info{flags=\"0\",hook_num=\"1\"," + id + nf.id()
                    + "\",pf=\"2\",priority=\"-128\"} 1");
            assertLine(m, "ebpf_link_tcx_info{attach_type=\"tcx_ingress\",interface_index=\"" + ifindex
                    + "\",interface_name=\"" + veth + "\"," + id + tcx.id() + "\"} 1");
            assertLine(m, "ebpf_link_uprobe_multi_info{count=\"1\",flags=\"0\"," + id + umulti.id() + "\",path=\""
                    + probe + "\",pid=\"" + pid + "\"} 1");
            assertLine(m, "ebpf_link_sockmap_info{attach_type=\"sk_skb_verdict\"," + id + sk.id() + "\",map_id=\""
                    + sockmap.id() + "\"} 1");

            // ebpf_link_info against bpftool for every link
            List<Fixtures.Made> links = List.of(rawTp, cg, iter, flow, xdp, tp, uprobe, nf, tcx, umulti, sk);
            List<String> types = new ArrayList<>();
            for (Fixtures.Made link : links) {
                String json = Bpftool.show("link", link.id());
                String progId = Bpftool.field(json, "prog_id");
                String type = Bpftool.field(json, "type");
                types.add(type);
                assertTrue(m.contains("ebpf_link_info{link_id=\"" + link.id() + "\",link_type=\""),
                        "link " + link.id() + " listed");
                assertTrue(m.contains("\",prog_id=\"" + progId + "\"} 1\n") && m.contains(
                        "ebpf_link_info{link_id=\"" + link.id() + "\",link_type="), json);
                if (!type.matches("\\d+")) { // bpftool 7.1 prints types newer than itself as numbers
                    assertLine(m, "ebpf_link_info{link_id=\"" + link.id() + "\",link_type=\"" + type
                            + "\",prog_id=\"" + progId + "\"} 1");
                }
            }
            assertTrue(types.contains("raw_tracepoint") && types.contains("cgroup"), types.toString());
        }
    }

    @Test
    void structOpsLinkRegistersACongestionControlAndNamesItsMap() throws Exception {
        String name = "ebpf_exp_" + (ProcessHandle.current().pid() % 100000);
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            var ops = new LinkRecipes(fx, host).structOps(name);
            var link = ops.link();
            assertTrue(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control")).contains(name),
                    "the link registered the congestion control");
            assertEquals("struct_ops", Bpftool.field(Bpftool.show("link", link.id()), "type"));
            String m = Scrapes.text(new LinksCollector());
            assertLine(m, header(link, "struct_ops", null));
            assertLine(m, "ebpf_link_struct_ops_info{link_id=\"" + link.id() + "\",map_id=\"" + ops.map().id() + "\"} 1");
        }
    }

    @Test
    void linksOutliveTheirTargetsWithoutStaleNames() throws Exception {
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            LinkRecipes kit = new LinkRecipes(fx, host);
            String veth = host.veth(host.netns());
            int ifindex = HostSetup.ifindex(veth);
            var xdp = kit.xdp(ifindex);
            var tcx = kit.tcx(ifindex);
            assertTrue(Scrapes.text(new LinksCollector()).contains("interface_name=\"" + veth + "\""));
            HostSetup.run("ip", "link", "del", veth);
            String m = Scrapes.text(new LinksCollector());
            assertLine(m, "ebpf_link_xdp_info{interface_index=\"0\",interface_name=\"\",link_id=\"" + xdp.id() + "\"} 1");
            assertLine(m, "ebpf_link_tcx_info{attach_type=\"tcx_ingress\",interface_index=\"0\",interface_name=\"\","
                    + "link_id=\"" + tcx.id() + "\"} 1");
            assertFalse(m.contains(veth), m);
        }
        String after = Scrapes.text(new LinksCollector());
        assertFalse(after.contains("lk_"), "nothing left behind");
    }

    @Test
    void everyKnownLinkTypeHasItsDetailAndBothProviderListsAgree() throws Exception {
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 14).boxed().collect(java.util.stream.Collectors.toSet()),
                new LinksCollector().describedTypes());
        String moduleInfo = Files.readString(Path.of("src/main/java/module-info.java"));
        for (String provider : Files.readAllLines(
                Path.of("src/main/resources/META-INF/services/io.ebpfexporter.collector.links.LinkDetail"))) {
            String simple = provider.substring(provider.lastIndexOf('.') + 1);
            assertTrue(moduleInfo.contains("            " + simple), simple + " provided in module-info.java");
        }
        assertEquals(14, moduleInfo.lines().filter(l -> l.matches("\\s{12}\\w+Link[,;]")).count());
    }
}
