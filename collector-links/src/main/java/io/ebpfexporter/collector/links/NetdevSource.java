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

    /** One series of a hook that is not tc's; "" for no mode and for no link. */
    static void series(Family family, AttachmentScan scan, int progId, AttachmentScan.Interface device, String hook,
                       String mode, int linkId) {
        add(family, scan, progId, device, hook, mode, "", "", "", "", AttachmentFamily.id(linkId));
    }

    /** One series of a tc filter, which no link holds; parent "" where the hook names it. */
    static void tcSeries(Family family, AttachmentScan scan, int progId, AttachmentScan.Interface device, String hook,
                         String parent, String chain, String priority, String handle) {
        add(family, scan, progId, device, hook, "", parent, chain, priority, handle, "");
    }

    private static void add(Family family, AttachmentScan scan, int progId, AttachmentScan.Interface device,
                            String hook, String mode, String parent, String chain, String priority, String handle,
                            String linkId) {
        family.add(Integer.toUnsignedString(progId), scan.netnsIno(), Integer.toString(device.index()), device.name(),
                hook, mode, parent, chain, priority, handle, linkId);
    }
}
