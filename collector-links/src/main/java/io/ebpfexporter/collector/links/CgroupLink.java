package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/** BPF_LINK_TYPE_CGROUP (3): {@code cgroup_id} (0 once the cgroup is gone) and {@code attach_type}. */
public final class CgroupLink extends InfoDetail {
    public CgroupLink() {
        super(3, "ebpf_link_cgroup_info",
                "Cgroup link: attach type and cgroup id (the cgroup directory's inode; 0 after the cgroup is gone)",
                "attach_type", "cgroup_id");
    }

    /** Always: the ingress attach type (0) of a cgroup that is gone (id 0) is all zeros, and filled since the link type came (5.8). */
    @Override
    public boolean reported(Link link) {
        return true;
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.attachType(BpfLinkInfo.Cgroup.ATTACH_TYPE), link.u64(BpfLinkInfo.Cgroup.CGROUP_ID)};
    }
}
