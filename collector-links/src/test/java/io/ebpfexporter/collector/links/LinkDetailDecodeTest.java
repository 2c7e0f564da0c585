package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.info.BtfInfo;
import io.ebpfexporter.core.info.LinkInfo;
import io.ebpfexporter.core.kernel.KernelNames;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.Scrapes;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Link types this kernel cannot create (tracing: fentry is refused here; kprobe_multi: no fprobe;
 * netkit: not built) and union variants no fixture reaches, decoded from bpf_link_info bytes laid out
 * per the uapi.
 */
class LinkDetailDecodeTest {

    /** The text the detail writes for one link of {@code type}, id 7, with {@code fields} set; strings by offset. */
    private static String describe(LinkDetail detail, int type, Consumer<ByteBuffer> fields, Map<Integer, String> strings)
            throws Exception {
        Link link = link(type, fields, strings);
        List<Family> families = detail.newFamilies(Scrapes.context());
        detail.add(link, families);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, MetricSnapshots.of(families.stream().map(Family::snapshot)
                .toArray(io.prometheus.metrics.model.snapshots.MetricSnapshot[]::new)));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A link of {@code type}, id 7, from 64 bytes laid out at the uapi's offsets; strings by pointer offset. */
    private static Link link(int type, Consumer<ByteBuffer> fields, Map<Integer, String> strings) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        b.putInt(0, type).putInt(4, 7).putInt(8, 3);
        fields.accept(b);
        TracingTargets targets = new TracingTargets();
        return new Link(LinkInfo.decode(b, 64), KernelNames.STANDARD, (pointer, length) -> strings.get(pointer.offset()),
                new InterfaceNames(Host.LIVE), (objId, btfId) -> targets.name(Host.LIVE, objId, btfId));
    }

    @Test
    void detailsAKernelDidNotFillAreNotReported() {
        // Linux 6.1 knows perf_event links but has no bpf_link_info member for them (6.6): zeros.
        assertFalse(new PerfEventLink().reported(link(7, b -> { }, Map.of())));
        assertTrue(new PerfEventLink().reported(link(7, b -> b.putInt(16, 5), Map.of())));
        assertFalse(new KprobeMultiLink().reported(link(8, b -> { }, Map.of())));
        // Zeros are a real answer for these: a gone cgroup with the ingress attach type, a gone device.
        assertTrue(new CgroupLink().reported(link(3, b -> { }, Map.of())));
        assertTrue(new XdpLink().reported(link(6, b -> { }, Map.of())));
    }

    @Test
    void tracingNamesItsVmlinuxTarget() throws Exception {
        Kernel.requireBpf();
        KernelFeatures.require(KernelFeatures.namedBtf(), "kernel BTF objects with names (bpf_btf_info.kernel_btf)", "5.11");
        int vmlinux = vmlinuxBtfId();
        int func = KernelBtf.vmlinux().find(KernelBtf.KIND_FUNC, "do_nanosleep").orElseThrow();
        String text = describe(new TracingLink(), 2, b -> b.putInt(16, 24).putInt(20, vmlinux).putInt(24, func), Map.of());
        assertTrue(text.contains("ebpf_link_tracing_info{attach_type=\"trace_fentry\",link_id=\"7\",target_btf_id=\""
                + func + "\",target_name=\"do_nanosleep\",target_obj_id=\"" + vmlinux + "\"} 1\n"), text);
        String onProgram = describe(new TracingLink(), 2, b -> b.putInt(16, 25).putInt(20, 0x7fff_fff0).putInt(24, func),
                Map.of());
        assertTrue(onProgram.contains("attach_type=\"trace_fexit\",link_id=\"7\",target_btf_id=\"" + func
                + "\",target_name=\"\",target_obj_id=\"2147483632\"} 1"), onProgram);
    }

    private static int vmlinuxBtfId() {
        int[] id = {0};
        ObjectWalk.forEach(ObjectSource.KERNEL, ObjectKind.BTFS, btf -> {
            BtfInfo b = btf.info();
            if (b.kernel() && b.name().equals("vmlinux")) {
                id[0] = b.id();
            }
        });
        return id[0];
    }

    @Test
    void kprobeMultiInfoAndMissedCounter() throws Exception {
        String text = describe(new KprobeMultiLink(), 8,
                b -> b.putLong(16, 0).putInt(24, 12).putInt(28, 1).putLong(32, 4242), Map.of());
        assertTrue(text.contains("ebpf_link_kprobe_info{count=\"12\",flags=\"1\",link_id=\"7\"} 1\n"), text);
        assertTrue(text.contains("ebpf_link_kprobe_missed_total{link_id=\"7\"} 4242.0\n"), text);
    }

    @Test
    void netkitPeerOnAnUnknownDevice() throws Exception {
        String text = describe(new NetkitLink(), 13, b -> b.putInt(16, 999_999).putInt(20, 55), Map.of());
        assertEquals("ebpf_link_netkit_info{attach_type=\"netkit_peer\",interface_index=\"999999\",interface_name=\"\","
                + "link_id=\"7\"} 1", text.lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow());
    }

    @Test
    void perfEventKprobeAndPlainEvent() throws Exception {
        String kprobe = describe(new PerfEventLink(), 7,
                b -> b.putInt(16, 4).putInt(32, 13).putInt(36, 8).putLong(40, 0xffffffff81234560L),
                Map.of(24, "do_sys_open"));
        assertTrue(kprobe.contains("{address=\"" + Long.toUnsignedString(0xffffffff81234560L) + "\",event_config=\"\",event_type=\"\",link_id=\"7\","
                + "name=\"do_sys_open\",offset=\"8\",perf_event_type=\"kretprobe\"} 1"), kprobe);
        String event = describe(new PerfEventLink(), 7, b -> b.putInt(16, 6).putLong(24, 3).putInt(32, 1), Map.of());
        assertTrue(event.contains("{address=\"\",event_config=\"3\",event_type=\"1\",link_id=\"7\",name=\"\","
                + "offset=\"\",perf_event_type=\"event\"} 1"), event);
    }

    @Test
    void iterOverAMapAndStructOps() throws Exception {
        String iter = describe(new IterLink(), 4, b -> b.putInt(24, 13).putInt(28, 4321), Map.of(16, "bpf_map_elem"));
        assertTrue(iter.contains("ebpf_link_iter_info{link_id=\"7\",map_id=\"4321\",target_name=\"bpf_map_elem\"} 1"),
                iter);
        String ops = describe(new StructOpsLink(), 9, b -> b.putInt(16, 77), Map.of());
        assertTrue(ops.contains("ebpf_link_struct_ops_info{link_id=\"7\",map_id=\"77\"} 1"), ops);
    }
}
