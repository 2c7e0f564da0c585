package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/** BPF_LINK_TYPE_NETFILTER (10): {@code pf}, {@code hooknum}, {@code priority} (signed) and {@code flags}. */
public final class NetfilterLink extends InfoDetail {
    public NetfilterLink() {
        super(10, "ebpf_link_netfilter_info",
                "Netfilter link: protocol family (2 = IPv4, 10 = IPv6), hook number, priority and flags",
                "pf", "hook_num", "priority", "flags");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.u32(BpfLinkInfo.Netfilter.PF), link.u32(BpfLinkInfo.Netfilter.HOOKNUM),
                link.s32(BpfLinkInfo.Netfilter.PRIORITY), link.u32(BpfLinkInfo.Netfilter.FLAGS)};
    }
}
