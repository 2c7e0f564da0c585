package io.ebpfexporter.collector.links;

/** BPF_LINK_TYPE_XDP (6): {@code ifindex} @16 (0 once the device is gone). */
public final class XdpLink extends InfoDetail {
    public XdpLink() {
        super(6, "ebpf_link_xdp_info",
                "XDP link: interface index (0 after the device is gone) and its name in the exporter's namespace",
                "interface_index", "interface_name");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.u32(16), link.interfaceName(16)};
    }
}
