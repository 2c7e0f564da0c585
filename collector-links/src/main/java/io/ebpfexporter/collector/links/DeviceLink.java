package io.ebpfexporter.collector.links;

/** Link types on a network device with an attach type: {@code ifindex} @16, {@code attach_type} @20. */
abstract class DeviceLink extends InfoDetail {
    DeviceLink(int linkType, String metric, String help) {
        super(linkType, metric, help, "attach_type", "interface_index", "interface_name");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.attachType(20), link.u32(16), link.interfaceName(16)};
    }
}
