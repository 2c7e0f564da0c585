package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;

import java.util.List;

/**
 * BPF_LINK_TYPE_KPROBE_MULTI (8): {@code count} @24, {@code flags} @28 (1 = return probes),
 * {@code missed} u64 @32. The seed named these {@code ebpf_link_kprobe_*}; the names are kept.
 */
public final class KprobeMultiLink implements LinkDetail {

    @Override
    public int linkType() {
        return 8;
    }

    @Override
    public List<Family> newFamilies() {
        return List.of(
                Family.info("ebpf_link_kprobe_info",
                        "Kprobe multi link: number of probed functions and flags (1 = kretprobes)",
                        "link_id", "count", "flags"),
                Family.counter("ebpf_link_kprobe_missed_total",
                        "Times the link's probes were hit but the program did not run (kprobe_multi.missed)",
                        "link_id"));
    }

    @Override
    public void add(Link link, List<Family> families) {
        families.get(0).add(link.id(), link.u32(24), link.u32(28));
        families.get(1).add(link.number(32), link.id());
    }
}
