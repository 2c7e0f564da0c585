package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/** BPF_LINK_TYPE_SOCKMAP (14): {@code map_id} and {@code attach_type}. */
public final class SockmapLink extends InfoDetail {
    public SockmapLink() {
        super(14, "ebpf_link_sockmap_info", "Sockmap link: the sockmap or sockhash and the attach type",
                "map_id", "attach_type");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.u32(BpfLinkInfo.Sockmap.MAP_ID), link.attachType(BpfLinkInfo.Sockmap.ATTACH_TYPE)};
    }
}
