package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/**
 * BPF_LINK_TYPE_PERF_EVENT (7): {@code perf_event.type} selects the inner union — uprobe: file_name,
 * offset; kprobe: func_name, offset, addr; tracepoint: tp_name; event: config and type.
 */
public final class PerfEventLink extends InfoDetail {
    private static final int UPROBE = 1;
    private static final int URETPROBE = 2;
    private static final int KPROBE = 3;
    private static final int KRETPROBE = 4;
    private static final int TRACEPOINT = 5;
    private static final int EVENT = 6;

    public PerfEventLink() {
        super(7, "ebpf_link_perf_event_info",
                "Perf event link: the event kind (kprobe, kretprobe, uprobe, uretprobe, tracepoint, event), the"
                        + " probed function, file or tracepoint name, probe offset and address, and for plain"
                        + " events the perf type and config; labels that do not apply are empty",
                "perf_event_type", "name", "offset", "address", "event_type", "event_config");
    }

    @Override
    String[] values(Link link) {
        int type = link.raw(BpfLinkInfo.PerfEvent.TYPE);
        String kind = link.perfEventType(BpfLinkInfo.PerfEvent.TYPE);
        return switch (type) {
            case UPROBE, URETPROBE -> new String[] {kind, name(link), link.u32(BpfLinkInfo.PerfEvent.PROBE_OFFSET), "", "", ""};
            case KPROBE, KRETPROBE -> new String[] {kind, name(link), link.u32(BpfLinkInfo.PerfEvent.PROBE_OFFSET),
                    link.u64(BpfLinkInfo.PerfEvent.KPROBE_ADDR), "", ""};
            case TRACEPOINT -> new String[] {kind, name(link), "", "", "", ""};
            case EVENT -> new String[] {kind, "", "", "", link.u32(BpfLinkInfo.PerfEvent.EVENT_TYPE),
                    link.u64(BpfLinkInfo.PerfEvent.EVENT_CONFIG)};
            default -> new String[] {kind, "", "", "", "", ""};
        };
    }

    private static String name(Link link) {
        return link.string(BpfLinkInfo.PerfEvent.NAME, BpfLinkInfo.PerfEvent.NAME_LEN);
    }
}
