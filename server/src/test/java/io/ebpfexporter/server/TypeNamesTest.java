package io.ebpfexporter.server;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.LinkRecipes;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.Providers;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every type label in both namings, over real objects of each type this kernel makes, against tables
 * written here from the kernel's uapi names (standard) and the seed's sources (seed: cilium/ebpf v0.19's
 * ProgramType and MapType String(), the seed's link.go, attach types upper-cased).
 */
class TypeNamesTest {
    /** Program type, expected attach type, standard name, seed name. */
    private static final Object[][] PROGRAMS = {
        {1, 0, "socket_filter", "SocketFilter"}, {2, 0, "kprobe", "Kprobe"}, {3, 0, "sched_cls", "SchedCLS"},
        {4, 0, "sched_act", "SchedACT"}, {5, 0, "tracepoint", "TracePoint"}, {6, 37, "xdp", "XDP"},
        {7, 0, "perf_event", "PerfEvent"}, {8, 0, "cgroup_skb", "CGroupSKB"}, {9, 2, "cgroup_sock", "CGroupSock"},
        {10, 0, "lwt_in", "LWTIn"}, {11, 0, "lwt_out", "LWTOut"}, {12, 0, "lwt_xmit", "LWTXmit"},
        {13, 0, "sock_ops", "SockOps"}, {14, 0, "sk_skb", "SkSKB"}, {15, 6, "cgroup_device", "CGroupDevice"},
        {16, 0, "sk_msg", "SkMsg"}, {17, 0, "raw_tracepoint", "RawTracepoint"},
        {19, 0, "lwt_seg6local", "LWTSeg6Local"}, {21, 0, "sk_reuseport", "SkReuseport"},
        {22, 17, "flow_dissector", "FlowDissector"}, {23, 18, "cgroup_sysctl", "CGroupSysctl"},
    };

    /** Map type, key size, value size, max entries, flags, standard name, seed name. */
    private static final Object[][] MAPS = {
        {1, 4, 8, 16, 0, "hash", "Hash"}, {2, 4, 8, 16, 0, "array", "Array"},
        {3, 4, 4, 4, 0, "prog_array", "ProgramArray"}, {4, 4, 4, 4, 0, "perf_event_array", "PerfEventArray"},
        {5, 4, 8, 16, 0, "percpu_hash", "PerCPUHash"}, {6, 4, 8, 16, 0, "percpu_array", "PerCPUArray"},
        {7, 4, 40, 16, 0, "stack_trace", "StackTrace"}, {8, 4, 4, 4, 0, "cgroup_array", "CGroupArray"},
        {9, 4, 8, 16, 0, "lru_hash", "LRUHash"}, {10, 4, 8, 16, 0, "lru_percpu_hash", "LRUCPUHash"},
        {11, 8, 8, 16, 1, "lpm_trie", "LPMTrie"}, {14, 4, 4, 4, 0, "devmap", "DevMap"},
        {15, 4, 4, 4, 0, "sockmap", "SockMap"}, {16, 4, 4, 4, 0, "cpumap", "CPUMap"},
        {17, 4, 4, 4, 0, "xskmap", "XSKMap"}, {18, 4, 4, 4, 0, "sockhash", "SockHash"},
        {22, 0, 4, 4, 0, "queue", "Queue"}, {23, 0, 4, 4, 0, "stack", "Stack"},
        {25, 4, 4, 4, 0, "devmap_hash", "DevMapHash"}, {27, 0, 0, 4096, 0, "ringbuf", "RingBuf"},
        {30, 0, 4, 16, 0, "bloom_filter", "BloomFilter"},
    };

    private record Expected(String family, String idLabel, int id, String label, String standard, String seed) {
    }

    @Test
    void everyTypeLabelMatchesItsTableInBothNamings() throws Exception {
        Kernel.requireBpf();
        List<Expected> expected = new ArrayList<>();
        List<String> notMade = new ArrayList<>();
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            for (Object[] p : PROGRAMS) {
                try {
                    int id = fx.program((int) p[0], "tn_prog", (int) p[1], 0).id();
                    expected.add(new Expected("ebpf_program_info", "prog_id", id, "prog_type", (String) p[2], (String) p[3]));
                } catch (RuntimeException refused) {
                    notMade.add(p[2] + " program (" + refused.getMessage() + ")");
                }
            }
            for (Object[] m : MAPS) {
                try {
                    int id = fx.map((int) m[0], (int) m[1], (int) m[2], (int) m[3], (int) m[4], "tn_map").id();
                    expected.add(new Expected("ebpf_map_info", "map_id", id, "map_type", (String) m[5], (String) m[6]));
                } catch (RuntimeException refused) {
                    notMade.add(m[5] + " map (" + refused.getMessage() + ")");
                }
            }
            links(fx, new LinkRecipes(fx, host), host, expected, notMade);
            if (!notMade.isEmpty()) {
                System.out.println("TypeNamesTest: this kernel (" + KernelFeatures.release() + ") made no "
                        + String.join("; ", notMade));
            }
            assertTrue(expected.size() >= PROGRAMS.length + MAPS.length, "most types made: " + notMade);
            for (Naming naming : Naming.values()) {
                String text = scrape(naming);
                for (Expected e : expected) {
                    assertEquals(naming == Naming.SEED ? e.seed() : e.standard(), label(text, e), naming + " " + e);
                }
            }
        }
    }

    /** A link of each type this kernel has, with its link_type and, where it has one, attach or event type. */
    private static void links(Fixtures fx, LinkRecipes kit, HostSetup host, List<Expected> expected, List<String> notMade)
            throws Exception {
        String netns = host.netns();
        int ifindex = HostSetup.ifindex(host.veth(netns));
        Path probe = host.probeTarget();
        link(expected, kit.rawTracepoint().id(), "raw_tracepoint", "RAW_TRACEPOINT");
        int cgroup = kit.cgroup(host.cgroup()).id();
        link(expected, cgroup, "cgroup", "CGROUP");
        expected.add(new Expected("ebpf_link_cgroup_info", "link_id", cgroup, "attach_type", "cgroup_inet_ingress",
                "CGROUP_INET_INGRESS"));
        link(expected, kit.iter().id(), "iter", "ITER");
        int ns = kit.flowDissector(netns).id();
        link(expected, ns, "netns", "NETNS");
        expected.add(new Expected("ebpf_link_netns_info", "link_id", ns, "attach_type", "flow_dissector", "FLOW_DISSECTOR"));
        link(expected, kit.xdp(ifindex).id(), "xdp", "XDP");
        int tracepoint = kit.tracepointPerfEvent().id();
        link(expected, tracepoint, "perf_event", "PERF_EVENT");
        expected.add(new Expected("ebpf_link_perf_event_info", "link_id", tracepoint, "perf_event_type", "tracepoint",
                "TRACEPOINT"));
        int uprobe = kit.uprobePerfEvent(probe).id();
        expected.add(new Expected("ebpf_link_perf_event_info", "link_id", uprobe, "perf_event_type", "uprobe", "UPROBE"));
        Map<String, String[]> later = Map.of("netfilter", new String[] {"NETFILTER"}, "tcx", new String[] {"TCX"},
                "uprobe_multi", new String[] {"UPROBE_MULTI"}, "sockmap", new String[] {"14"},
                "struct_ops", new String[] {"9"});
        for (var type : later.entrySet()) {
            if (!KernelFeatures.linkType(type.getKey().toUpperCase(java.util.Locale.ROOT))) {
                notMade.add(type.getKey() + " link (no such link type)");
                continue;
            }
            int id = switch (type.getKey()) {
                case "netfilter" -> kit.netfilter().id();
                case "tcx" -> kit.tcx(ifindex).id();
                case "uprobe_multi" -> kit.uprobeMulti(probe, (int) ProcessHandle.current().pid()).id();
                case "sockmap" -> kit.sockmap(kit.sockmapMap()).id();
                default -> kit.structOps("tn_cc").link().id();
            };
            link(expected, id, type.getKey(), type.getValue()[0]);
            if (type.getKey().equals("tcx")) {
                expected.add(new Expected("ebpf_link_tcx_info", "link_id", id, "attach_type", "tcx_ingress", "TCX_INGRESS"));
            }
        }
    }

    private static void link(List<Expected> expected, int id, String standard, String seed) {
        expected.add(new Expected("ebpf_link_info", "link_id", id, "link_type", standard, seed));
    }

    private static String scrape(Naming naming) {
        StringBuilder text = new StringBuilder();
        for (Collector collector : Providers.of(Collector.class)) {
            collector.configure(new MapSettings(collector.name(), Map.of(), naming));
            try (collector) {
                text.append(Scrapes.text(collector));
            }
        }
        return text.toString();
    }

    /** The value of {@code e.label()} on the series of {@code e.family()} whose id label is {@code e.id()}. */
    private static String label(String text, Expected e) {
        Matcher series = Pattern.compile("(?m)^" + e.family() + "\\{([^}]*\\b" + e.idLabel() + "=\""
                + Integer.toUnsignedString(e.id()) + "\"[^}]*)}").matcher(text);
        if (!series.find()) {
            return "no series";
        }
        Matcher value = Pattern.compile("\\b" + e.label() + "=\"([^\"]*)\"").matcher(series.group(1));
        return value.find() ? value.group(1) : "no label";
    }
}
