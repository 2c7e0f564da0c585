package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.info.BtfInfo;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectWalk;

import java.lang.ref.SoftReference;
import java.util.HashMap;
import java.util.Map;

/**
 * Names of tracing link targets from vmlinux BTF. A target is named only when its object is the
 * vmlinux BTF object (module BTF is split BTF and a program target has no vmlinux name). Both ids are
 * fixed until reboot, so names are cached by the collector; vmlinux BTF (about 5 MB) is read only when
 * an unseen id appears, and held softly, so a scrape meeting many new targets parses it once and the GC
 * may drop it.
 */
final class TracingTargets {
    private final Map<Integer, String> names = new HashMap<>();
    private int vmlinuxId = -1;
    private SoftReference<KernelBtf> vmlinuxBtf = new SoftReference<>(null);

    synchronized String name(Host host, int targetObjId, int targetBtfId) {
        if (targetObjId == 0 || targetObjId != vmlinuxId(host)) {
            return "";
        }
        return names.computeIfAbsent(targetBtfId, id -> vmlinuxBtf(host).name(id));
    }

    private KernelBtf vmlinuxBtf(Host host) {
        KernelBtf btf = vmlinuxBtf.get();
        if (btf == null) {
            btf = KernelBtf.vmlinux(host);
            vmlinuxBtf = new SoftReference<>(btf);
        }
        return btf;
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
