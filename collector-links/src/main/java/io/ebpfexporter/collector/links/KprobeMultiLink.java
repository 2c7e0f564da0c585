package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.bpf.BpfLinkInfo;

import java.util.List;

/**
 * BPF_LINK_TYPE_KPROBE_MULTI (8): {@code count}, {@code flags} (1 = return probes) and {@code missed}.
 * The seed named these {@code ebpf_link_kprobe_*}; the names are kept.
 */
public final class KprobeMultiLink implements LinkDetail {

    @Override
    public int linkType() {
        return 8;
    }

    @Override
    public List<Family> newFamilies(ScrapeContext scrape) {
        return List.of(
                scrape.info("ebpf_link_kprobe_info",
                        "Kprobe multi link: number of probed functions and flags (1 = kretprobes)",
                        "link_id", "count", "flags"),
                scrape.counter("ebpf_link_kprobe_missed_total",
                        "Times the link's probes were hit but the program did not run (kprobe_multi.missed)",
                        "link_id"));
    }

    @Override
    public void add(Link link, List<Family> families) {
        families.get(0).add(link.id(), link.u32(BpfLinkInfo.KprobeMulti.COUNT), link.u32(BpfLinkInfo.KprobeMulti.FLAGS));
        families.get(1).add(link.number(BpfLinkInfo.KprobeMulti.MISSED), link.id());
    }
}
