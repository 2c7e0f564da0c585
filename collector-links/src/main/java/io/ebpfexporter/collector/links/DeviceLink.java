package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.BpfLinkInfo;

/** Link types on a network device with an attach type: {@code ifindex} and {@code attach_type}. */
abstract class DeviceLink extends InfoDetail {
    DeviceLink(int linkType, String metric, String help) {
        super(linkType, metric, help, "attach_type", "interface_index", "interface_name");
    }

    @Override
    String[] values(Link link) {
        return new String[] {link.attachType(BpfLinkInfo.Device.ATTACH_TYPE), link.u32(BpfLinkInfo.Device.IFINDEX),
                link.interfaceName(BpfLinkInfo.Device.IFINDEX)};
    }
}
