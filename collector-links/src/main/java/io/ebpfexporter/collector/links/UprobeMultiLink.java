package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/**
 * BPF_LINK_TYPE_UPROBE_MULTI (12): {@code path}, {@code count}, {@code flags} (1 = return probes) and
 * {@code pid} (0 = every process).
 */
public final class UprobeMultiLink extends InfoDetail {
    public UprobeMultiLink() {
        super(12, "ebpf_link_uprobe_multi_info",
                "Uprobe multi link: probed file, number of probes, flags (1 = uretprobes) and the process it is"
                        + " limited to (0 = all)",
                "path", "count", "flags", "pid");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.string(BpfLinkInfo.UprobeMulti.PATH, BpfLinkInfo.UprobeMulti.PATH_SIZE),
                link.u32(BpfLinkInfo.UprobeMulti.COUNT), link.u32(BpfLinkInfo.UprobeMulti.FLAGS),
                link.u32(BpfLinkInfo.UprobeMulti.PID)};
    }
}
