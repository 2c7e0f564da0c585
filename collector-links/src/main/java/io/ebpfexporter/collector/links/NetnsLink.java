package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/** BPF_LINK_TYPE_NETNS (5): {@code netns_ino} and {@code attach_type}. */
public final class NetnsLink extends InfoDetail {
    public NetnsLink() {
        super(5, "ebpf_link_netns_info",
                "Network namespace link (flow_dissector, sk_lookup): attach type and the namespace's inode",
                "attach_type", "netns_ino");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.attachType(BpfLinkInfo.Netns.ATTACH_TYPE), link.u32(BpfLinkInfo.Netns.NETNS_INO)};
    }
}
