package io.ebpfexporter.server;

import io.ebpfexporter.testkit.BpftoolAttachments;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.Libc;
import io.ebpfexporter.testkit.LinkRecipes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attachments of every kind made for real, on this host's network namespace and in a second one, on a
 * cgroup and its child, on a sockhash and on a tracepoint's perf event, and the exporter (the runtime image where EBPF_EXPORTER_IMAGE
 * names it: in the kernel matrix, and in .ci/run on the host) with the attachments collector on in every
 * network namespace: each attachment bpftool lists of these objects is one of its series, with the same
 * program and target.
 */
class AttachmentsEndToEndTest {
    private static ExporterProcess exporter;

    /** Undo steps of what this test makes besides HostSetup's, run in reverse order. */
    private final Deque<Runnable> undo = new ArrayDeque<>();

    @BeforeAll
    static void start() throws IOException {
        Kernel.requireBpf();
        for (String tool : new String[] {"ip", "tc", "bpftool", "nsenter"}) {
            Kernel.requireTool(tool);
        }
        exporter = ExporterProcess.start("collectors:\n  attachments:\n    enabled: true\n"
                + "    network_namespaces: all\n");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (exporter != null) {
            exporter.close();
        }
    }

    /** Pins {@code program} for ip and tc, which take a program by path; the pin is removed after the test. */
    private String pin(Fixtures fx, Fixtures.Made program) {
        String path = "/sys/fs/bpf/e2e_attach_" + program.id();
        fx.pin(program, path);
        undo.push(() -> Path.of(path).toFile().delete());
        return path;
    }

    /** XDP in generic mode and a clsact ingress filter on {@code device}, through {@code prefix} (its namespace). */
    private static void xdpAndTc(List<String> prefix, String device, String xdpPin, String clsPin) {
        run(prefix, "ip", "link", "set", "dev", device, "xdpgeneric", "pinned", xdpPin);
        run(prefix, "tc", "qdisc", "add", "dev", device, "clsact");
        run(prefix, "tc", "filter", "add", "dev", device, "ingress", "pref", "3", "bpf", "object-pinned", clsPin,
                "direct-action");
    }

    private static String run(List<String> prefix, String... command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(command));
        return HostSetup.run(all.toArray(String[]::new));
    }

    private static String ino(String path) throws IOException {
        return Files.getAttribute(Path.of(path), "unix:ino").toString();
    }

    @Test
    void everyAttachmentBpftoolListsIsASeriesWithTheSameTarget() throws Exception {
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            try {
                String netns = host.netns();
                List<String> inNetns = List.of("nsenter", "--net=" + netns); // keeps this mount namespace: the pins
                String hostEnd = host.veth(netns);
                String peer = hostEnd.substring(0, hostEnd.length() - 1) + "b";
                String xdpPin = pin(fx, fx.program(Fixtures.PROG_XDP, "e2e_at_xdp", 0, 2));
                String clsPin = pin(fx, fx.program(Fixtures.PROG_SCHED_CLS, "e2e_at_cls", 0, 0));
                xdpAndTc(List.of(), hostEnd, xdpPin, clsPin);
                xdpAndTc(inNetns, peer, xdpPin, clsPin);
                HostSetup.run("tc", "qdisc", "add", "dev", hostEnd, "root", "handle", "1:", "htb");
                HostSetup.run("tc", "filter", "add", "dev", hostEnd, "parent", "1:", "pref", "4", "bpf", "object-pinned",
                        clsPin, "direct-action");
                var flow = fx.program(Fixtures.PROG_FLOW_DISSECTOR, "e2e_at_flow", Fixtures.ATTACH_FLOW_DISSECTOR, 0);
                // a flow dissector is attached to the namespace of the process attaching it
                run(inNetns, "bpftool", "prog", "attach", "id", Integer.toString(flow.id()), "flow_dissector");

                Path parent = host.cgroup();
                Path child = Files.createDirectory(parent.resolve("child"));
                undo.push(() -> child.toFile().delete());
                var ingress = fx.program(Fixtures.PROG_CGROUP_SKB, "e2e_at_in", Fixtures.ATTACH_CGROUP_INET_INGRESS, 1);
                var egress = fx.program(Fixtures.PROG_CGROUP_SKB, "e2e_at_out", 1, 1);
                HostSetup.run("bpftool", "cgroup", "attach", parent.toString(), "ingress", "id",
                        Integer.toString(ingress.id()), "multi");
                HostSetup.run("bpftool", "cgroup", "attach", child.toString(), "egress", "id",
                        Integer.toString(egress.id()), "override");

                var hash = fx.map(Fixtures.MAP_SOCKHASH, 4, 4, 1, 0, "e2e_at_hash");
                var msg = fx.program(Fixtures.PROG_SK_MSG, "e2e_at_msg", Fixtures.ATTACH_SK_MSG_VERDICT, 1);
                HostSetup.run("bpftool", "prog", "attach", "id", Integer.toString(msg.id()), "sk_msg_verdict",
                        "id", Integer.toString(hash.id()));

                // a tracepoint given a program by PERF_EVENT_IOC_SET_BPF, held by this process
                int event = new LinkRecipes(fx, host).tracepointEvent();
                Libc.perfEventSetBpf(event, fx.program(Fixtures.PROG_TRACEPOINT, "e2e_at_tp").fd());

                String metrics = exporter.scrape();
                BpftoolAttachments.perf(ProcessHandle.current().pid(), event).assertIn(metrics, "perf");
                List<BpftoolAttachments.Listed> net = BpftoolAttachments.net(List.of(), ino("/proc/self/ns/net"), hostEnd);
                // the second namespace holds only this test's objects: all bpftool lists there is theirs
                List<BpftoolAttachments.Listed> inside = BpftoolAttachments.net(inNetns, ino(netns), null);
                net.forEach(l -> l.assertIn(metrics, "net show dev " + hostEnd));
                inside.forEach(l -> l.assertIn(metrics, "net in " + netns));
                assertTrue(net.size() >= 3, "XDP, the clsact filter and the htb filter: " + net);
                assertEquals(3, inside.size(), "XDP, the clsact filter and the flow dissector: " + inside);

                Path root = parent.getParent();
                // bpftool's cgroup tree asks for prog_attach_flags, which came with bpf_prog_info.attach_btf_id
                // (6.0): before, it lists nothing, and the series are checked as the kernel attached them
                if (KernelFeatures.member("bpf_prog_info", "attach_btf_id")) {
                    List<BpftoolAttachments.Listed> cgroups = BpftoolAttachments.cgroupTree(root, parent, false);
                    cgroups.forEach(l -> l.assertIn(metrics, "cgroup tree " + parent));
                    assertEquals(2, cgroups.size(), cgroups.toString());
                } else {
                    KernelFeatures.missing("BPF_PROG_QUERY's prog_attach_flags, which bpftool's cgroup tree asks for", "6.0");
                    assertTrue(metrics.contains("attach_flags=\"override\",attach_type=\"cgroup_inet_egress\",cgroup=\"/"
                            + root.relativize(child) + "\",inherited=\"false\",link_id=\"\",prog_id=\"" + egress.id() + "\""),
                            metrics);
                }
                // bpftool lists no map's programs, and a kernel before 5.18 cannot say them
                if (KernelFeatures.kfunc("sock_map_bpf_prog_query")) {
                    assertTrue(metrics.contains("ebpf_program_sockmap_attachment_info{attach_type=\"sk_msg_verdict\","
                            + "link_id=\"\",map_id=\"" + hash.id() + "\",prog_id=\"" + msg.id() + "\"} 1"), metrics);
                } else {
                    KernelFeatures.missing("BPF_PROG_QUERY on a sockmap", "5.18");
                }
                for (String source : new String[] {"xdp", "tc", "tcx", "netkit", "cgroup", "netns", "perf_event", "prog_array"}) {
                    assertTrue(metrics.contains("ebpf_exporter_attachment_source_success{source=\"" + source + "\"} 1"),
                            source + " in\n" + metrics);
                }
            } finally {
                while (!undo.isEmpty()) {
                    undo.pop().run();
                }
            }
        }
    }
}
