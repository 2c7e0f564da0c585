package io.ebpfexporter.collector.links;

/** BPF_LINK_TYPE_NETFILTER (10): {@code pf} @16, {@code hooknum} @20, {@code priority} (signed) @24, {@code flags} @28. */
public final class NetfilterLink extends InfoDetail {
    public NetfilterLink() {
        super(10, "ebpf_link_netfilter_info",
                "Netfilter link: protocol family (2 = IPv4, 10 = IPv6), hook number, priority and flags",
                "pf", "hook_num", "priority", "flags");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.u32(16), link.u32(20), link.s32(24), link.u32(28)};
    }
}
