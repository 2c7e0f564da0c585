package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/** BPF_LINK_TYPE_ITER (4): {@code target_name} and, for map element iterators, {@code map.map_id}. */
public final class IterLink extends InfoDetail {
    public IterLink() {
        super(4, "ebpf_link_iter_info",
                "Iterator link: the iterator target (bpf_map, bpf_map_elem, task, ...) and, for map element"
                        + " iterators, the map's id (empty otherwise)",
                "target_name", "map_id");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.string(BpfLinkInfo.Iter.TARGET_NAME, BpfLinkInfo.Iter.TARGET_NAME_LEN),
                link.optionalId(BpfLinkInfo.Iter.MAP_ID)};
    }
}
