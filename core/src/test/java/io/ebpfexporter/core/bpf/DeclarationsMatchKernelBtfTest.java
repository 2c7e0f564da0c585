package io.ebpfexporter.core.bpf;

import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.testkit.KernelFeatures;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every info struct field the exporter declares, against the running kernel's own BTF of that struct:
 * the same offset wherever this kernel has the member. A member this kernel lacks is listed, and the
 * kernel matrix runs this on each kernel it boots.
 */
class DeclarationsMatchKernelBtfTest {

    @Test
    void everyDeclaredInfoFieldSitsWhereTheKernelPutsIt() throws Exception {
        KernelFeatures.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "vmlinux BTF", "5.4");
        KernelBtf btf = KernelBtf.vmlinux();
        List<String> checked = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (Class<?> declarations : List.of(BpfProgInfo.class, BpfMapInfo.class, BpfMapInfo.StructOps.class, BpfBtfInfo.class, BpfLinkInfo.class,
                BpfLinkInfo.RawTracepoint.class, BpfLinkInfo.Tracing.class, BpfLinkInfo.Cgroup.class, BpfLinkInfo.Iter.class,
                BpfLinkInfo.Netns.class, BpfLinkInfo.Xdp.class, BpfLinkInfo.StructOps.class, BpfLinkInfo.Netfilter.class,
                BpfLinkInfo.KprobeMulti.class, BpfLinkInfo.UprobeMulti.class, BpfLinkInfo.PerfEvent.class,
                BpfLinkInfo.Sockmap.class)) {
            for (var f : declarations.getFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || f.getType() != Field.class) {
                    continue;
                }
                Field field = (Field) f.get(null);
                String path = field.name();
                if (path.contains("*") || path.contains("/")) {
                    continue; // a place several members share (perf_event's inner union, tcx/netkit)
                }
                OptionalInt offset = btf.memberOffset(field.struct(), path);
                if (offset.isEmpty()) {
                    absent.add(field.toString());
                } else {
                    assertEquals(field.offset(), offset.getAsInt(), field + " on this kernel");
                    checked.add(field.toString());
                }
            }
        }
        assertTrue(checked.size() > 30, "checked " + checked);
        if (!absent.isEmpty()) {
            System.out.println("declared fields Linux " + KernelFeatures.release() + " does not have: " + absent);
        }
    }
}
