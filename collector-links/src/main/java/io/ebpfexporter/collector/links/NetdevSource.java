package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;

/** A hook on network interfaces: its series go to {@link AttachmentFamily#NETDEV}. */
abstract class NetdevSource implements AttachmentSource {

    @Override
    public final AttachmentFamily family() {
        return AttachmentFamily.NETDEV;
    }

    @Override
    public final boolean networkNamespaced() {
        return true;
    }

    /** One series; "" for what this hook does not have. */
    static void series(Family family, AttachmentScan scan, int progId, AttachmentScan.Interface device, String hook,
                       String mode, String priority, String handle, int linkId) {
        family.add(Integer.toUnsignedString(progId), scan.netnsIno(), Integer.toString(device.index()), device.name(),
                hook, mode, priority, handle, AttachmentFamily.id(linkId));
    }
}
