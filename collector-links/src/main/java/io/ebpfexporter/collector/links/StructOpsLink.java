package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/** BPF_LINK_TYPE_STRUCT_OPS (9): {@code map_id}, the struct_ops map the link registered. */
public final class StructOpsLink extends InfoDetail {
    public StructOpsLink() {
        super(9, "ebpf_link_struct_ops_info", "Struct ops link: the id of the struct_ops map it registers", "map_id");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.u32(BpfLinkInfo.StructOps.MAP_ID)};
    }
}
