package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.testkit.Bpftool;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
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
            List<Fixtures.Made> links = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            String id = "link_id=\"";

            var rawTp = kit.rawTracepoint();
            links.add(rawTp);
            lines.add("ebpf_link_raw_tracepoint_info{" + id + rawTp.id() + "\",tp_name=\"sched_process_exec\"} 1");
            var cg = kit.cgroup(cgroup);
            links.add(cg);
            lines.add("ebpf_link_cgroup_info{attach_type=\"cgroup_inet_ingress\",cgroup_id=\"" + inode(cgroup.toString())
                    + "\"," + id + cg.id() + "\"} 1");
            var iter = kit.iter();
            links.add(iter);
            lines.add("ebpf_link_iter_info{" + id + iter.id() + "\",map_id=\"\",target_name=\"bpf_map\"} 1");
            var flow = kit.flowDissector(netns);
            links.add(flow);
            lines.add("ebpf_link_netns_info{attach_type=\"flow_dissector\"," + id + flow.id() + "\",netns_ino=\""
                    + inode(netns) + "\"} 1");
            var xdp = kit.xdp(ifindex);
            links.add(xdp);
            lines.add("ebpf_link_xdp_info{interface_index=\"" + ifindex + "\",interface_name=\"" + veth + "\","
                    + id + xdp.id() + "\"} 1");
            List<Fixtures.Made> perfEvents = new ArrayList<>();
            if (has(KernelFeatures.linkType("PERF_EVENT"), "BPF_LINK_TYPE_PERF_EVENT", "5.15")) {
                var tp = kit.tracepointPerfEvent();
                var uprobe = kit.uprobePerfEvent(probe);
                links.addAll(List.of(tp, uprobe));
                perfEvents.addAll(List.of(tp, uprobe));
                if (has(KernelFeatures.linkInfo("perf_event"), "bpf_link_info.perf_event", "6.6")) {
                    lines.add("ebpf_link_perf_event_info{address=\"\",event_config=\"\",event_type=\"\"," + id + tp.id()
                            + "\",name=\"sys_enter_getppid\",offset=\"\",perf_event_type=\"tracepoint\"} 1");
                    lines.add("ebpf_link_perf_event_info{address=\"\",event_config=\"\",event_type=\"\"," + id
                            + uprobe.id() + "\",name=\"" + probe + "\",offset=\"" + LinkRecipes.UPROBE_OFFSET
                            + "\",perf_event_type=\"uprobe\"} 1");
                    perfEvents.clear();
                }
            }
            if (has(KernelFeatures.linkType("NETFILTER") && KernelFeatures.progType("NETFILTER"), "netfilter links", "6.4")) {
                var nf = kit.netfilter();
                links.add(nf);
                lines.add("ebpf_link_netfilter_info{flags=\"0\",hook_num=\"1\"," + id + nf.id()
                        + "\",pf=\"2\",priority=\"" + LinkRecipes.NETFILTER_PRIORITY + "\"} 1");
            }
            if (has(KernelFeatures.linkType("TCX"), "BPF_LINK_TYPE_TCX", "6.6")) {
                var tcx = kit.tcx(ifindex);
                links.add(tcx);
                lines.add("ebpf_link_tcx_info{attach_type=\"tcx_ingress\",interface_index=\"" + ifindex
                        + "\",interface_name=\"" + veth + "\"," + id + tcx.id() + "\"} 1");
            }
            if (has(KernelFeatures.linkType("UPROBE_MULTI"), "BPF_LINK_TYPE_UPROBE_MULTI", "6.6")) {
                var umulti = kit.uprobeMulti(probe, pid);
                links.add(umulti);
                lines.add("ebpf_link_uprobe_multi_info{count=\"1\",flags=\"0\"," + id + umulti.id() + "\",path=\""
                        + probe + "\",pid=\"" + pid + "\"} 1");
            }
            if (has(KernelFeatures.linkType("SOCKMAP"), "BPF_LINK_TYPE_SOCKMAP", "6.10")) {
                var sockmap = kit.sockmapMap();
                var sk = kit.sockmap(sockmap);
                links.add(sk);
                lines.add("ebpf_link_sockmap_info{attach_type=\"sk_skb_verdict\"," + id + sk.id() + "\",map_id=\""
                        + sockmap.id() + "\"} 1");
            }

            String m = Scrapes.text(new LinksCollector());
            lines.forEach(line -> assertLine(m, line));
            for (Fixtures.Made event : perfEvents) { // a kernel that does not fill the member: no detail series
                assertFalse(m.matches("(?s).*ebpf_link_perf_event_info\\{[^}]*" + id + event.id() + "\".*"), m);
            }
            // ebpf_link_info against bpftool for every link
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

    /** Whether the kernel has {@code what}; if not, says so (a check skipped by probe). */
    private static boolean has(boolean probe, String what, String since) {
        if (!probe) {
            KernelFeatures.missing(what, since);
        }
        return probe;
    }

    @Test
    void tracingAndKprobeLinksOnRealFunctions() throws Exception {
        boolean tracing = has(KernelFeatures.ftraceHooks(), "ftrace function hooks (fentry, fexit, fmod_ret)", "5.5");
        boolean lsm = has(KernelFeatures.bpfLsm(), "the bpf LSM among the active LSMs", "5.7");
        boolean kprobes = has(KernelFeatures.kprobes() && KernelFeatures.linkType("PERF_EVENT"),
                "kprobe perf events attached by links", "5.15");
        boolean multi = has(KernelFeatures.fprobe() && KernelFeatures.linkInfo("kprobe_multi"),
                "kprobe_multi links with their info (fprobe)", "6.6");
        KernelFeatures.require(tracing || lsm || kprobes || multi, "tracing, LSM or kprobe links", "5.5");
        int vmlinux = vmlinuxBtfId(); // 0 before 5.11, which lists no kernel BTF
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            LinkRecipes kit = new LinkRecipes(fx, host);
            List<String> lines = new ArrayList<>();
            if (tracing) {
                for (int attach : new int[] {LinkRecipes.ATTACH_TRACE_FENTRY, LinkRecipes.ATTACH_TRACE_FEXIT}) {
                    var link = kit.tracing(attach, "do_nanosleep");
                    lines.add(tracingLine(link, attach == LinkRecipes.ATTACH_TRACE_FENTRY ? "trace_fentry" : "trace_fexit",
                            vmlinux, "do_nanosleep"));
                }
                // fmod_ret may hook security_* functions on every kernel (others need error injection)
                var fmodRet = kit.tracing(LinkRecipes.ATTACH_MODIFY_RETURN, "security_file_open");
                lines.add(tracingLine(fmodRet, "modify_return", vmlinux, "security_file_open"));
            }
            if (lsm) {
                lines.add(tracingLine(kit.tracing(LinkRecipes.ATTACH_LSM_MAC, "bpf_lsm_file_open"), "lsm_mac", vmlinux,
                        "bpf_lsm_file_open"));
            }
            List<Fixtures.Made> kprobeLinks = new ArrayList<>();
            if (kprobes) {
                kprobeLinks.add(kit.kprobePerfEvent("do_nanosleep", false));
                kprobeLinks.add(kit.kprobePerfEvent("do_nanosleep", true));
            }
            Fixtures.Made kmulti = multi ? kit.kprobeMulti("do_nanosleep") : null;
            String m = Scrapes.text(new LinksCollector());
            lines.forEach(line -> assertLine(m, line));
            for (int i = 0; i < kprobeLinks.size(); i++) {
                var link = kprobeLinks.get(i);
                assertTrue(m.contains("ebpf_link_info{link_id=\"" + link.id() + "\",link_type=\"perf_event\""), m);
                if (KernelFeatures.linkInfo("perf_event")) {
                    String kind = i == 0 ? "kprobe" : "kretprobe";
                    java.util.regex.Matcher series = java.util.regex.Pattern.compile("ebpf_link_perf_event_info\\{address=\"(\\d+)\","
                            + "event_config=\"\",event_type=\"\",link_id=\"" + link.id() + "\",name=\"do_nanosleep\",offset=\"0\","
                            + "perf_event_type=\"" + kind + "\"} 1").matcher(m);
                    assertTrue(series.find(), kind + " link " + link.id() + " in\n" + m);
                    assertTrue(Long.parseUnsignedLong(series.group(1)) != 0, "the probed address");
                } else {
                    KernelFeatures.missing("bpf_link_info.perf_event", "6.6");
                    assertFalse(m.matches("(?s).*ebpf_link_perf_event_info\\{[^}]*link_id=\"" + link.id() + "\".*"), m);
                }
            }
            if (kmulti != null) {
                assertLine(m, "ebpf_link_kprobe_info{count=\"1\",flags=\"0\",link_id=\"" + kmulti.id() + "\"} 1");
                assertTrue(m.contains("ebpf_link_kprobe_missed_total{link_id=\"" + kmulti.id() + "\"} "), m);
            }
        }
    }

    /** Before 5.13 a tracing link's info has no target: both ids and the name are empty. */
    private static String tracingLine(Fixtures.Made link, String attachType, int vmlinux, String function) {
        boolean targets = has(KernelFeatures.linkInfo("tracing.target_obj_id"), "bpf_link_info.tracing.target_obj_id", "5.13");
        int btfId = KernelBtf.vmlinux().find(KernelBtf.KIND_FUNC, function).orElseThrow();
        return "ebpf_link_tracing_info{attach_type=\"" + attachType + "\",link_id=\"" + link.id() + "\",target_btf_id=\""
                + (targets ? btfId : "") + "\",target_name=\"" + (targets ? function : "") + "\",target_obj_id=\""
                + (targets ? vmlinux : "") + "\"} 1";
    }

    private static int vmlinuxBtfId() {
        int[] id = {0};
        ObjectWalk.forEach(ObjectSource.KERNEL, ObjectKind.BTFS, btf -> {
            if (btf.info().kernel() && btf.info().name().equals("vmlinux")) {
                id[0] = btf.info().id();
            }
        });
        return id[0];
    }

    @Test
    void structOpsLinkRegistersACongestionControlAndNamesItsMap() throws Exception {
        KernelFeatures.require(KernelFeatures.linkInfo("struct_ops"), "struct_ops links (bpf_link_info.struct_ops)", "6.4");
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
            var tcx = has(KernelFeatures.linkType("TCX"), "BPF_LINK_TYPE_TCX", "6.6") ? kit.tcx(ifindex) : null;
            assertTrue(Scrapes.text(new LinksCollector()).contains("interface_name=\"" + veth + "\""));
            HostSetup.run("ip", "link", "del", veth);
            String m = Scrapes.text(new LinksCollector());
            assertLine(m, "ebpf_link_xdp_info{interface_index=\"0\",interface_name=\"\",link_id=\"" + xdp.id() + "\"} 1");
            if (tcx != null) {
                assertLine(m, "ebpf_link_tcx_info{attach_type=\"tcx_ingress\",interface_index=\"0\",interface_name=\"\","
                        + "link_id=\"" + tcx.id() + "\"} 1");
            }
            assertFalse(m.contains(veth), m);
        }
        String after = Scrapes.text(new LinksCollector());
        assertFalse(after.contains("lk_"), "nothing left behind");
    }

    @Test
    void everyKnownLinkTypeHasItsDetailAndBothProviderListsAgree() throws Exception {
        assertEquals(java.util.stream.IntStream.rangeClosed(1, 14).boxed().collect(java.util.stream.Collectors.toSet()),
                new LinksCollector().describedTypes());
        Path module = Path.of(System.getProperty("basedir", ".")).resolve("../collector-links").normalize();
        String moduleInfo = Files.readString(module.resolve("src/main/java/module-info.java"));
        for (String provider : Files.readAllLines(
                module.resolve("src/main/resources/META-INF/services/io.ebpfexporter.collector.links.LinkDetail"))) {
            String simple = provider.substring(provider.lastIndexOf('.') + 1);
            assertTrue(moduleInfo.contains("            " + simple), simple + " provided in module-info.java");
        }
        assertEquals(14, moduleInfo.lines().filter(l -> l.matches("\\s{12}\\w+Link[,;]")).count());
    }
}
