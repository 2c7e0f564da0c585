package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/** BPF_LINK_TYPE_RAW_TRACEPOINT (1): {@code raw_tracepoint.tp_name}. */
public final class RawTracepointLink extends InfoDetail {
    public RawTracepointLink() {
        super(1, "ebpf_link_raw_tracepoint_info", "Raw tracepoint link: the tracepoint's name", "tp_name");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.string(BpfLinkInfo.RawTracepoint.TP_NAME, BpfLinkInfo.RawTracepoint.TP_NAME_LEN)};
    }
}
