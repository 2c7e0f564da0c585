package io.ebpfexporter.collector.links;

/** BPF_LINK_TYPE_NETKIT (13). */
public final class NetkitLink extends DeviceLink {
    public NetkitLink() {
        super(13, "ebpf_link_netkit_info", "Netkit link: primary or peer, interface index (0 after the device is"
                + " gone) and its name in the exporter's namespace");
    }
}
