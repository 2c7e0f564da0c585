package io.ebpfexporter.collector.links;

/** BPF_LINK_TYPE_SOCKMAP (14): {@code map_id} @16, {@code attach_type} @20. */
public final class SockmapLink extends InfoDetail {
    public SockmapLink() {
        super(14, "ebpf_link_sockmap_info", "Sockmap link: the sockmap or sockhash and the attach type",
                "map_id", "attach_type");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.u32(16), link.attachType(20)};
    }
}
