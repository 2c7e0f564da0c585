package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;

/**
 * tcx programs (Linux 6.6) on each interface, ingress and egress, in run order, from BPF_PROG_QUERY on
 * the ifindex, which names the link holding each (0: attached with BPF_PROG_ATTACH). A kernel without
 * tcx refuses the query (EINVAL): there is nothing to report, and it is not asked again.
 */
public final class TcxAttachments extends NetdevSource {
    private static final int TCX_INGRESS = 46;
    private static final int TCX_EGRESS = 47;
    private static final int ENODEV = 19;

    private volatile boolean kernelHasTcx = true;

    @Override
    public String name() {
        return "tcx";
    }

    @Override
    public void add(AttachmentScan scan, Family family) {
        for (AttachmentScan.Interface device : scan.interfaces()) {
            if (!kernelHasTcx) {
                return;
            }
            add(scan, family, device, TCX_INGRESS, "tcx_ingress");
            add(scan, family, device, TCX_EGRESS, "tcx_egress");
        }
    }

    private void add(AttachmentScan scan, Family family, AttachmentScan.Interface device, int attachType, String hook) {
        Bpf.Attached attached;
        try {
            attached = scan.bpf().progQuery(device.index(), attachType, 0, true);
        } catch (BpfException e) {
            if (e.errno() == Errno.EINVAL) {
                kernelHasTcx = false;
                return;
            }
            if (e.errno() == ENODEV) {
                return; // removed since the interfaces were listed
            }
            throw e;
        }
        for (int i = 0; i < attached.progIds().length; i++) {
            series(family, scan, attached.progIds()[i], device, hook, "", "", "", attached.linkIds()[i]);
        }
    }
}
