package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.Errno;

import java.util.Set;

/**
 * netkit programs (Linux 6.7) of each netkit pair, asked of its primary device as {@code bpftool net} does: the
 * primary's programs and the peer's (hook {@code netkit_peer}), the peer often being in another namespace.
 * Only interfaces of kind netkit are asked.
 */
public final class NetkitAttachments extends MprogAttachments {
    private static final int NETKIT_PRIMARY = 54;
    private static final int NETKIT_PEER = 55;
    private static final int IFLA_LINKINFO = 18;
    private static final int IFLA_INFO_KIND = 1;
    private static final int ENXIO = 6;
    private static final int ENODEV = 19;

    /**
     * A device the query is refused for carries no such programs now: gone or its peer gone (ENODEV), another
     * kind of device since given the same index (ENXIO), the peer side of a pair (EACCES), or a netkit device
     * without a peer, which takes no programs (EOPNOTSUPP).
     */
    public NetkitAttachments() {
        super(Set.of(ENODEV, ENXIO, Errno.EACCES, Errno.EOPNOTSUPP), new Hook(NETKIT_PRIMARY, "netkit_primary"),
                new Hook(NETKIT_PEER, "netkit_peer"));
    }

    @Override
    public String name() {
        return "netkit";
    }

    @Override
    boolean mayHave(AttachmentScan.Interface device) {
        NetlinkAttributes linkInfo = device.attributes().nested(IFLA_LINKINFO);
        return linkInfo != null && linkInfo.string(IFLA_INFO_KIND).equals("netkit");
    }
}
