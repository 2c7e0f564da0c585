package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;

import java.util.Set;

/**
 * Programs of an interface hook the kernel keeps as a bpf_mprog list (tcx, netkit), in run order, from
 * BPF_PROG_QUERY on the ifindex per attach type, which names the link holding each (0: attached with
 * BPF_PROG_ATTACH). A kernel without the hook refuses the query (EINVAL): there is nothing to report, and it
 * is not asked again.
 */
abstract class MprogAttachments extends NetdevSource {
    /** An attach type and the hook its series name. */
    record Hook(int attachType, String name) {
    }

    private final Hook[] hooks;
    /** The errnos that say this interface has no such hook now: the scrape goes on without it. */
    private final Set<Integer> absent;
    private volatile boolean kernelHasHooks = true;

    MprogAttachments(Set<Integer> absent, Hook... hooks) {
        this.absent = absent;
        this.hooks = hooks;
    }

    /** Whether {@code device} may carry these hooks, so is worth a query. */
    abstract boolean mayHave(AttachmentScan.Interface device);

    @Override
    public final void add(AttachmentScan scan, Family family) {
        for (AttachmentScan.Interface device : scan.interfaces()) {
            if (mayHave(device)) {
                for (Hook hook : hooks) {
                    if (!kernelHasHooks) {
                        return;
                    }
                    add(scan, family, device, hook);
                }
            }
        }
    }

    private void add(AttachmentScan scan, Family family, AttachmentScan.Interface device, Hook hook) {
        Bpf.Attached attached;
        try {
            attached = scan.bpf().progQuery(device.index(), hook.attachType(), 0, true);
        } catch (BpfException e) {
            if (e.errno() == Errno.EINVAL) {
                kernelHasHooks = false;
                return;
            }
            if (absent.contains(e.errno())) {
                return;
            }
            throw e;
        }
        for (int i = 0; i < attached.progIds().length; i++) {
            series(family, scan, attached.progIds()[i], device, hook.name(), "", attached.linkIds()[i]);
        }
    }
}
