package io.ebpfexporter.collector.links;

/** BPF_LINK_TYPE_NETNS (5): {@code netns_ino} @16, {@code attach_type} @20. */
public final class NetnsLink extends InfoDetail {
    public NetnsLink() {
        super(5, "ebpf_link_netns_info",
                "Network namespace link (flow_dissector, sk_lookup): attach type and the namespace's inode",
                "attach_type", "netns_ino");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.attachType(20), link.u32(16)};
    }
}
