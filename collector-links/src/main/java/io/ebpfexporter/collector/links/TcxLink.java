package io.ebpfexporter.collector.links;

/** BPF_LINK_TYPE_TCX (11). */
public final class TcxLink extends DeviceLink {
    public TcxLink() {
        super(11, "ebpf_link_tcx_info", "TCX link: ingress or egress, interface index (0 after the device is gone)"
                + " and its name in the exporter's namespace");
    }
}
