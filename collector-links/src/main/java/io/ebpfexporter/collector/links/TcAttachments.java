package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.bpf.NetlinkSocket;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * tc BPF filters wherever tc can put them ({@link TcParents}: clsact, the ingress qdisc, every qdisc and class),
 * from an RTM_GETTFILTER dump per parent, which holds every chain (as {@code bpftool net} and
 * {@code tc filter show} read them): chain, priority and handle of each {@code bpf} filter that runs an eBPF
 * program. An interface without a qdisc that takes filters dumps nothing.
 */
public final class TcAttachments extends NetdevSource {
    private static final int RTM_NEWTFILTER = 44;
    private static final int RTM_GETTFILTER = 46;
    private static final int TCMSG = TcParents.TCMSG;
    private static final int TCA_KIND = 1;
    private static final int TCA_OPTIONS = 2;
    private static final int TCA_CHAIN = 11;
    private static final int TCA_BPF_ID = 11;

    @Override
    public String name() {
        return "tc";
    }

    @Override
    public void add(AttachmentScan scan, Family family) {
        Map<Integer, AttachmentScan.Interface> devices = new HashMap<>();
        scan.interfaces().forEach(device -> devices.put(device.index(), device));
        for (TcParents.Parent parent : TcParents.of(scan.netlink())) {
            AttachmentScan.Interface device = devices.get(parent.ifindex());
            if (device != null) { // null: added since the interfaces were listed
                add(scan, family, device, parent);
            }
        }
    }

    private static void add(AttachmentScan scan, Family family, AttachmentScan.Interface device, TcParents.Parent parent) {
        byte[] request = TcParents.request(device.index(), parent.handle());
        for (NetlinkSocket.Message m : scan.netlink().dump("RTM_GETTFILTER", RTM_GETTFILTER, request)) {
            ByteBuffer tcmsg = m.payload();
            if (m.type() != RTM_NEWTFILTER || tcmsg.limit() < TCMSG) {
                continue;
            }
            NetlinkAttributes attributes = new NetlinkAttributes(tcmsg, TCMSG);
            NetlinkAttributes options = attributes.nested(TCA_OPTIONS);
            // the first message of each priority names the classifier only; classic BPF filters have no id
            if (!attributes.string(TCA_KIND).equals("bpf") || options == null || !options.has(TCA_BPF_ID)) {
                continue;
            }
            tcSeries(family, scan, Integer.parseUnsignedInt(options.u32(TCA_BPF_ID)), device, parent.hook(),
                    parent.label(), attributes.u32(TCA_CHAIN), Integer.toString(tcmsg.getInt(16) >>> 16),
                    "0x" + Integer.toHexString(tcmsg.getInt(8)));
        }
    }
}
