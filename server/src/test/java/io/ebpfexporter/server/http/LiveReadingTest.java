package io.ebpfexporter.server.http;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which series the live view takes for a program's attachments, on families as the collectors name them:
 * any {@code ebpf_program_<kind>_attachment_info} family (a kind the exporter may add later too), and the
 * links those families do not already hold, with their details but not their holders. The kernel-made
 * attachments themselves are checked in a browser ({@code LiveViewBrowserTest}). And the words the page shows
 * for each family.
 */
class LiveReadingTest {
    private static MetricSnapshot info(String name, String[]... series) {
        var family = InfoSnapshot.builder().name(name);
        for (String[] labels : series) {
            family.dataPoint(InfoDataPointSnapshot.builder().labels(Labels.of(labels)).build());
        }
        return family.build();
    }

    private static MetricSnapshot gauge(String name, String label, Map<String, Double> values) {
        var family = GaugeSnapshot.builder().name(name);
        values.forEach((labelValue, value) -> family.dataPoint(
                GaugeDataPointSnapshot.builder().labels(Labels.of(label, labelValue)).value(value).build()));
        return family.build();
    }

    private static LiveReading reading(Map<String, Double> collectors, MetricSnapshot... more) {
        var all = MetricSnapshots.builder().metricSnapshot(gauge("ebpf_exporter_collector_success", "collector", collectors));
        for (MetricSnapshot s : more) {
            all.metricSnapshot(s);
        }
        return LiveReading.of(all.build(), 0);
    }

    private static String[] labels(String... pairs) {
        return pairs;
    }

    @Test
    void everyAttachmentFamilyAndTheLinksTheyDoNotHold() {
        LiveReading r = reading(Map.of("programs", 1.0, "links", 1.0, "attachments", 1.0),
                info("ebpf_program_netdev_attachment",
                        labels("prog_id", "27", "interface_name", "eth0", "hook", "xdp", "mode", "driver", "link_id", "31",
                                "priority", ""),
                        labels("prog_id", "21", "interface_name", "eth0", "hook", "tc_ingress", "link_id", "")),
                info("ebpf_program_cgroup_attachment",
                        labels("prog_id", "22", "cgroup", "/a/b", "attach_type", "cgroup_device", "inherited", "true"),
                        labels("prog_id", "22", "cgroup", "/a", "attach_type", "cgroup_device", "inherited", "false")),
                info("ebpf_program_sockmap_attachment", labels("prog_id", "26", "map_id", "40", "attach_type", "sk_msg_verdict")),
                info("ebpf_link",
                        labels("link_id", "31", "link_type", "xdp", "prog_id", "27"),
                        labels("link_id", "30", "link_type", "raw_tracepoint", "prog_id", "23"),
                        labels("link_id", "32", "link_type", "struct_ops", "prog_id", "0")),
                info("ebpf_link_raw_tracepoint", labels("link_id", "30", "tp_name", "sched_switch")),
                info("ebpf_link_xdp", labels("link_id", "31", "interface_name", "eth0")),
                info("ebpf_link_owner", labels("link_id", "30", "pid", "412", "comm", "agent")),
                gauge("ebpf_exporter_attachment_source_success", "source", Map.of("tc", 1.0, "cgroup", 0.0)));
        LiveReading.Attachments a = r.attachments();
        assertTrue(a.collected());
        assertEquals(List.of("cgroup"), a.incomplete(), "the source the kernel refused");
        assertEquals(Map.of(
                "27", List.of(new LiveReading.Attachment("netdev",
                        Map.of("hook", "xdp", "interface_name", "eth0", "link_id", "31", "mode", "driver"))),
                "21", List.of(new LiveReading.Attachment("netdev", Map.of("hook", "tc_ingress", "interface_name", "eth0"))),
                "22", List.of(
                        new LiveReading.Attachment("cgroup", Map.of("attach_type", "cgroup_device", "cgroup", "/a", "inherited", "false")),
                        new LiveReading.Attachment("cgroup", Map.of("attach_type", "cgroup_device", "cgroup", "/a/b", "inherited", "true"))),
                "26", List.of(new LiveReading.Attachment("sockmap", Map.of("attach_type", "sk_msg_verdict", "map_id", "40"))),
                "23", List.of(new LiveReading.Attachment("link",
                        Map.of("link_id", "30", "link_type", "raw_tracepoint", "tp_name", "sched_switch")))),
                a.byProgram());
        assertEquals(List.of("link_id", "link_type", "tp_name"), List.copyOf(a.byProgram().get("23").get(0).labels().keySet()));
        assertTrue(r.withoutAttachments().attachments().byProgram().isEmpty(), "the kept reading holds no attachments");
    }

    /** Each program's attachments in the live view's words, the exporter's own network namespace being {@code 4026531840}. */
    private static Map<String, List<String>> words(LiveReading r) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        r.attachments().byProgram().forEach((id, all) ->
                out.put(id, all.stream().map(a -> AttachmentText.of(a, "4026531840")).toList()));
        return out;
    }

    @Test
    void eachFamilyInWords() {
        LiveReading r = reading(Map.of("programs", 1.0, "maps", 1.0, "links", 1.0, "attachments", 1.0),
                info("ebpf_map", labels("map_id", "42", "map_type", "sockhash", "map_name", "socks"),
                        labels("map_id", "17", "map_type", "prog_array", "map_name", "jumps")),
                info("ebpf_program_netdev_attachment",
                        labels("prog_id", "1", "netns_ino", "4026531840", "interface_index", "2", "interface_name", "eth0",
                                "hook", "xdp", "mode", "driver", "link_id", "31"),
                        labels("prog_id", "2", "netns_ino", "4026531840", "interface_index", "2", "interface_name", "eth0",
                                "hook", "tc", "parent", "1:", "chain", "0", "priority", "4", "handle", "0x1"),
                        labels("prog_id", "3", "netns_ino", "4026532999", "interface_index", "5", "interface_name", "eth0",
                                "hook", "tc_ingress", "chain", "2", "priority", "1", "handle", "0x2"),
                        labels("prog_id", "4", "netns_ino", "4026531840", "interface_index", "7", "interface_name", "nk0",
                                "hook", "netkit_primary", "link_id", "33"),
                        labels("prog_id", "4", "netns_ino", "4026531840", "interface_index", "9", "hook", "tcx_egress")),
                info("ebpf_program_cgroup_attachment",
                        labels("prog_id", "5", "cgroup", "/kubepods/pod1", "attach_type", "cgroup_device",
                                "attach_flags", "multi", "inherited", "false"),
                        labels("prog_id", "5", "cgroup", "/kubepods/pod1/c", "attach_type", "cgroup_device", "inherited", "true"),
                        labels("prog_id", "6", "cgroup", "/", "attach_type", "cgroup_inet_egress", "attach_flags", "none",
                                "inherited", "false")),
                info("ebpf_program_netns_attachment",
                        labels("prog_id", "7", "netns_ino", "4026531840", "attach_type", "flow_dissector"),
                        labels("prog_id", "8", "netns_ino", "4026532999", "attach_type", "sk_lookup", "link_id", "34")),
                info("ebpf_program_sockmap_attachment",
                        labels("prog_id", "9", "map_id", "42", "attach_type", "sk_msg_verdict"),
                        labels("prog_id", "10", "map_id", "43", "attach_type", "sk_skb_verdict", "link_id", "35")),
                info("ebpf_program_prog_array_attachment", labels("prog_id", "11", "map_id", "17", "index", "3")),
                info("ebpf_program_perf_event_attachment",
                        labels("prog_id", "12", "pid", "123", "fd", "7", "kind", "tracepoint", "target", "sys_enter_getppid"),
                        labels("prog_id", "13", "pid", "124", "fd", "8", "kind", "kretprobe", "target", "do_nanosleep",
                                "offset", "0", "link_id", "36"),
                        labels("prog_id", "14", "pid", "125", "fd", "9", "kind", "kprobe", "address", "18446744071579265952"),
                        labels("prog_id", "15", "pid", "126", "fd", "10", "kind", "uprobe", "target", "/usr/bin/bash",
                                "offset", "4660")),
                info("ebpf_program_future_attachment", labels("prog_id", "16", "place", "far", "link_id", "37")),
                info("ebpf_link", labels("link_id", "30", "link_type", "raw_tracepoint", "prog_id", "17")),
                info("ebpf_link_raw_tracepoint", labels("link_id", "30", "tp_name", "sched_switch")));
        assertEquals(new java.util.TreeMap<>(Map.ofEntries(
                Map.entry("1", List.of("xdp on eth0 (driver, link 31)")),
                Map.entry("2", List.of("tc on eth0 parent 1: chain 0 (pref 4, handle 0x1)")),
                Map.entry("3", List.of("tc_ingress on eth0 chain 2 (netns 4026532999, pref 1, handle 0x2)")),
                Map.entry("4", List.of("netkit_primary on nk0 (link 33)", "tcx_egress on ifindex 9")),
                Map.entry("5", List.of("cgroup_device on /kubepods/pod1 (multi)", "cgroup_device on /kubepods/pod1/c (inherited)")),
                Map.entry("6", List.of("cgroup_inet_egress on /")),
                Map.entry("7", List.of("flow_dissector in netns 4026531840")),
                Map.entry("8", List.of("sk_lookup in netns 4026532999 (link 34)")),
                Map.entry("9", List.of("sk_msg_verdict on sockhash map 42")),
                Map.entry("10", List.of("sk_skb_verdict on map 43 (link 35)")),
                Map.entry("11", List.of("tail call: prog_array map 17 slot 3")),
                Map.entry("12", List.of("tracepoint sys_enter_getppid (pid 123, fd 7)")),
                Map.entry("13", List.of("kretprobe do_nanosleep+0 (pid 124, fd 8, link 36)")),
                Map.entry("14", List.of("kprobe 0xffffffff81066ba0 (pid 125, fd 9)")),
                Map.entry("15", List.of("uprobe /usr/bin/bash+4660 (pid 126, fd 10)")),
                Map.entry("16", List.of("future place=far (link 37)")),
                Map.entry("17", List.of("raw_tracepoint sched_switch (link 30)")))), words(r));
    }

    @Test
    void offOrFailedCollectorsSaySo() {
        assertFalse(reading(Map.of("programs", 1.0, "links", 1.0)).attachments().collected());
        LiveReading.Attachments failed = reading(Map.of("programs", 1.0, "links", 0.0, "attachments", 0.0)).attachments();
        assertTrue(failed.collected());
        assertEquals(List.of("attachments collector", "links collector"), failed.incomplete());
    }
}
