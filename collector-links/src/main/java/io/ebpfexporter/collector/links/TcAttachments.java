package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.bpf.NetlinkSocket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * tc BPF filters on each interface's clsact qdisc, ingress and egress, from an RTM_GETTFILTER dump per
 * direction (as {@code bpftool net} and {@code tc filter show} read them): priority and handle of each
 * {@code bpf} filter that runs an eBPF program. An interface without clsact dumps nothing.
 */
public final class TcAttachments extends NetdevSource {
    private static final int RTM_NEWTFILTER = 44;
    private static final int RTM_GETTFILTER = 46;
    /** sizeof(struct tcmsg): family, pads, ifindex, handle, parent, info. */
    private static final int TCMSG = 20;
    /** TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS / TC_H_MIN_EGRESS). */
    private static final int CLSACT_INGRESS = 0xFFFF_FFF2;
    private static final int CLSACT_EGRESS = 0xFFFF_FFF3;
    private static final int TCA_KIND = 1;
    private static final int TCA_OPTIONS = 2;
    private static final int TCA_BPF_ID = 11;

    @Override
    public String name() {
        return "tc";
    }

    @Override
    public void add(AttachmentScan scan, Family family) {
        for (AttachmentScan.Interface device : scan.interfaces()) {
            add(scan, family, device, CLSACT_INGRESS, "tc_ingress");
            add(scan, family, device, CLSACT_EGRESS, "tc_egress");
        }
    }

    private static void add(AttachmentScan scan, Family family, AttachmentScan.Interface device, int parent, String hook) {
        byte[] request = ByteBuffer.allocate(TCMSG).order(ByteOrder.nativeOrder()).putInt(4, device.index())
                .putInt(12, parent).array();
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
            series(family, scan, Integer.parseUnsignedInt(options.u32(TCA_BPF_ID)), device, hook, "",
                    Integer.toString(tcmsg.getInt(16) >>> 16), "0x" + Integer.toHexString(tcmsg.getInt(8)), 0);
        }
    }
}
