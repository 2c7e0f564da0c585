package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.KernelNames;

/**
 * BPF_LINK_TYPE_PERF_EVENT (7): {@code perf_event.type} @16 selects the union at @24 —
 * uprobe: file_name (ptr @24, len @32), offset @36; kprobe: func_name (ptr @24, len @32), offset @36,
 * addr @40; tracepoint: tp_name (ptr @24, len @32); event: config u64 @24, type @32.
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
        int type = link.raw(16);
        String kind = KernelNames.perfEventType(type);
        return switch (type) {
            case UPROBE, URETPROBE -> new String[] {kind, link.string(24, 32), link.u32(36), "", "", ""};
            case KPROBE, KRETPROBE -> new String[] {kind, link.string(24, 32), link.u32(36), link.u64(40), "", ""};
            case TRACEPOINT -> new String[] {kind, link.string(24, 32), "", "", "", ""};
            case EVENT -> new String[] {kind, "", "", "", link.u32(32), link.u64(24)};
            default -> new String[] {kind, "", "", "", "", ""};
        };
    }
}
