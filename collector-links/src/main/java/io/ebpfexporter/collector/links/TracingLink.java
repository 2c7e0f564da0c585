package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/**
 * BPF_LINK_TYPE_TRACING (2): fentry/fexit/fmod_ret/LSM/freplace. {@code attach_type},
 * {@code target_obj_id} (a BTF object id, or a program id for freplace and BPF-to-BPF tracing),
 * {@code target_btf_id}, and the target function's name from vmlinux BTF where it resolves. Kernels before
 * 5.13 do not fill the target ids, which are never 0 where they are filled: empty labels then.
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
        return new String[] {link.attachType(BpfLinkInfo.Tracing.ATTACH_TYPE),
                link.optionalId(BpfLinkInfo.Tracing.TARGET_OBJ_ID), link.optionalId(BpfLinkInfo.Tracing.TARGET_BTF_ID),
                link.tracingTarget(BpfLinkInfo.Tracing.TARGET_OBJ_ID, BpfLinkInfo.Tracing.TARGET_BTF_ID)};
    }
}
