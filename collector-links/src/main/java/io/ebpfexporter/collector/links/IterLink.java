package io.ebpfexporter.collector.links;

/** BPF_LINK_TYPE_ITER (4): {@code target_name} (pointer @16, length @24), {@code map.map_id} @28. */
public final class IterLink extends InfoDetail {
    public IterLink() {
        super(4, "ebpf_link_iter_info",
                "Iterator link: the iterator target (bpf_map, bpf_map_elem, task, ...) and, for map element"
                        + " iterators, the map's id (empty otherwise)",
                "target_name", "map_id");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.string(16, 24), link.optionalId(28)};
    }
}
