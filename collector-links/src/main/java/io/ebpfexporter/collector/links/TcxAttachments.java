package io.ebpfexporter.collector.links;

import java.util.Set;

/** tcx programs (Linux 6.6) on each interface, ingress and egress. */
public final class TcxAttachments extends MprogAttachments {
    private static final int TCX_INGRESS = 46;
    private static final int TCX_EGRESS = 47;
    /** The interface was removed since the interfaces were listed. */
    private static final int ENODEV = 19;

    public TcxAttachments() {
        super(Set.of(ENODEV), new Hook(TCX_INGRESS, "tcx_ingress"), new Hook(TCX_EGRESS, "tcx_egress"));
    }

    @Override
    public String name() {
        return "tcx";
    }

    @Override
    boolean mayHave(AttachmentScan.Interface device) {
        return true;
    }
}
