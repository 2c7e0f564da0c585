package io.ebpfexporter.collector.links;

/** BPF_LINK_TYPE_CGROUP (3): {@code cgroup_id} u64 @16 (0 once the cgroup is gone), {@code attach_type} @24. */
public final class CgroupLink extends InfoDetail {
    public CgroupLink() {
        super(3, "ebpf_link_cgroup_info",
                "Cgroup link: attach type and cgroup id (the cgroup directory's inode; 0 after the cgroup is gone)",
                "attach_type", "cgroup_id");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.attachType(24), link.u64(16)};
    }
}
