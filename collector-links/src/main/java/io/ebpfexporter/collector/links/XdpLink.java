package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/** BPF_LINK_TYPE_XDP (6): {@code ifindex} (0 once the device is gone). */
public final class XdpLink extends InfoDetail {
    public XdpLink() {
        super(6, "ebpf_link_xdp_info",
                "XDP link: interface index (0 after the device is gone) and its name in the exporter's namespace",
                "interface_index", "interface_name");
    }

    /** Always: a link whose device is gone reports ifindex 0, and the member is filled since the link type came (5.9). */
    @Override
    public boolean reported(Link link) {
        return true;
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.u32(BpfLinkInfo.Xdp.IFINDEX), link.interfaceName(BpfLinkInfo.Xdp.IFINDEX)};
    }
}
