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
 * attachments themselves are checked in a browser ({@code LiveViewBrowserTest}).
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

    @Test
    void offOrFailedCollectorsSaySo() {
        assertFalse(reading(Map.of("programs", 1.0, "links", 1.0)).attachments().collected());
        LiveReading.Attachments failed = reading(Map.of("programs", 1.0, "links", 0.0, "attachments", 0.0)).attachments();
        assertTrue(failed.collected());
        assertEquals(List.of("attachments collector", "links collector"), failed.incomplete());
    }
}
