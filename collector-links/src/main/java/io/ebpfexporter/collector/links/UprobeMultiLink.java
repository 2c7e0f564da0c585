package io.ebpfexporter.collector.links;

/**
 * BPF_LINK_TYPE_UPROBE_MULTI (12): {@code path} (pointer @16, size @48), {@code count} @52,
 * {@code flags} @56 (1 = return probes), {@code pid} @60 (0 = every process).
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
        return new String[] {link.string(16, 48), link.u32(52), link.u32(56), link.u32(60)};
    }
}
