package io.ebpfexporter.collector.links;

/**
 * BPF_LINK_TYPE_TRACING (2): fentry/fexit/fmod_ret/LSM/freplace. {@code attach_type} @16,
 * {@code target_obj_id} @20 (a BTF object id, or a program id for freplace and BPF-to-BPF tracing),
 * {@code target_btf_id} @24, and the target function's name from vmlinux BTF where it resolves.
 */
public final class TracingLink extends InfoDetail {
    public TracingLink() {
        super(2, "ebpf_link_tracing_info",
                "Tracing link (fentry, fexit, fmod_ret, lsm, freplace): attach type, target object and BTF type"
                        + " ids, and the target's name where it is a vmlinux function",
                "attach_type", "target_obj_id", "target_btf_id", "target_name");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.attachType(16), link.u32(20), link.u32(24),
                TracingTargets.name(link.raw(20), link.raw(24))};
    }
}
