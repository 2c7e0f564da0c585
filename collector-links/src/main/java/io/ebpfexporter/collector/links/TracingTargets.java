package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.info.BtfInfo;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectWalk;

import java.util.HashMap;
import java.util.Map;

/**
 * Names of tracing link targets from vmlinux BTF. A target is named only when its object is the
 * vmlinux BTF object (module BTF is split BTF and a program target has no vmlinux name). Both ids are
 * fixed until reboot, so names are cached by the collector; vmlinux BTF is read only when an unseen id
 * appears, and its parse is shared ({@link KernelBtf#vmlinux(java.nio.file.Path)}).
 */
final class TracingTargets {
    private final Map<Integer, String> names = new HashMap<>();
    private int vmlinuxId = -1;

    synchronized String name(Host host, int targetObjId, int targetBtfId) {
        if (targetObjId == 0 || targetObjId != vmlinuxId(host)) {
            return "";
        }
        return names.computeIfAbsent(targetBtfId, id -> KernelBtf.vmlinux(host.root()).name(id));
    }

    private int vmlinuxId(Host host) {
        if (vmlinuxId < 0) {
            int[] found = {0};
            ObjectWalk.forEach(host.objects(), ObjectKind.BTFS, btf -> {
                BtfInfo b = btf.info();
                if (b.kernel() && b.name().equals("vmlinux")) {
                    found[0] = b.id();
                }
            });
            vmlinuxId = found[0];
        }
        return vmlinuxId;
    }
}
