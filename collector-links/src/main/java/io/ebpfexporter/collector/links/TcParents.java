package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.NetlinkSocket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every place of the namespace where a tc filter can sit, from one RTM_GETQDISC dump of every interface and,
 * for an interface with a qdisc whose classes hold filters, one RTM_GETTCLASS dump of its classes: clsact's
 * ingress and egress, the ingress qdisc, each qdisc with a handle, and those classes. A default root qdisc
 * (handle 0) is reached as the interface's root. Each block is listed once: clsact and the ingress qdisc both
 * take handle ffff:, and an ingress qdisc answers for ingress and egress alike, so it is asked once, by handle.
 */
final class TcParents {
    /** A parent to dump filters of ({@code tcm_parent}), on interface {@code ifindex}, and how its series name it. */
    record Parent(int ifindex, int handle, String hook, String label) {
    }

    /** sizeof(struct tcmsg): family, pads, ifindex, handle, parent, info. */
    static final int TCMSG = 20;
    private static final int RTM_NEWQDISC = 36;
    private static final int RTM_GETQDISC = 38;
    private static final int RTM_NEWTCLASS = 40;
    private static final int RTM_GETTCLASS = 42;
    private static final int TCA_KIND = 1;
    private static final int TC_H_ROOT = 0xFFFF_FFFF;
    /** TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS / TC_H_MIN_EGRESS). */
    private static final int CLSACT_INGRESS = 0xFFFF_FFF2;
    private static final int CLSACT_EGRESS = 0xFFFF_FFF3;
    /**
     * Qdiscs whose classes hold filters of their own (their tcf_block op takes the class); the other qdiscs'
     * filters all sit on the qdisc, so their classes are not asked.
     */
    private static final Set<String> CLASSES_HOLD_FILTERS = Set.of("htb", "hfsc", "cbq", "atm");

    private TcParents() {
    }

    /** The parents of every interface, in the order the kernel dumps qdiscs and then classes. */
    static List<Parent> of(NetlinkSocket netlink) {
        List<Parent> out = new ArrayList<>();
        Set<Integer> withClassFilters = new LinkedHashSet<>();
        for (NetlinkSocket.Message m : netlink.dump("RTM_GETQDISC", RTM_GETQDISC, request(0, 0))) {
            ByteBuffer tcmsg = m.payload();
            if (m.type() != RTM_NEWQDISC || tcmsg.limit() < TCMSG) {
                continue;
            }
            int ifindex = tcmsg.getInt(4);
            String kind = new NetlinkAttributes(tcmsg, TCMSG).string(TCA_KIND);
            addQdisc(out, ifindex, tcmsg.getInt(8), tcmsg.getInt(12), kind);
            if (CLASSES_HOLD_FILTERS.contains(kind)) {
                withClassFilters.add(ifindex);
            }
        }
        for (int ifindex : withClassFilters) {
            for (NetlinkSocket.Message m : netlink.dump("RTM_GETTCLASS", RTM_GETTCLASS, request(ifindex, 0))) {
                ByteBuffer tcmsg = m.payload();
                if (m.type() == RTM_NEWTCLASS && tcmsg.limit() >= TCMSG
                        && CLASSES_HOLD_FILTERS.contains(new NetlinkAttributes(tcmsg, TCMSG).string(TCA_KIND))) {
                    out.add(new Parent(ifindex, tcmsg.getInt(8), "tc", handle(tcmsg.getInt(8))));
                }
            }
        }
        return out;
    }

    private static void addQdisc(List<Parent> out, int ifindex, int handle, int parent, String kind) {
        switch (kind) {
            case "clsact" -> {
                out.add(new Parent(ifindex, CLSACT_INGRESS, "tc_ingress", ""));
                out.add(new Parent(ifindex, CLSACT_EGRESS, "tc_egress", ""));
            }
            case "ingress" -> out.add(new Parent(ifindex, handle, "tc_ingress", ""));
            // noqueue, the default of virtual interfaces, holds no filters
            case "noqueue" -> { }
            default -> {
                if (handle != 0) {
                    out.add(new Parent(ifindex, handle, "tc", handle(handle)));
                } else if (parent == TC_H_ROOT) {
                    out.add(new Parent(ifindex, 0, "tc", "root")); // a dump for parent 0 reads the root qdisc
                }
            }
        }
    }

    /**
     * A tcmsg asking about interface {@code ifindex} (0: every interface, where the dump allows) and, for
     * filters, the parent {@code parent} (0: none named).
     */
    static byte[] request(int ifindex, int parent) {
        return ByteBuffer.allocate(TCMSG).order(ByteOrder.nativeOrder()).putInt(4, ifindex).putInt(12, parent).array();
    }

    /** A qdisc or class handle as tc writes it: major and minor in hex, {@code 1:} for a qdisc, {@code 1:10}. */
    static String handle(int handle) {
        int minor = handle & 0xFFFF;
        return Integer.toHexString(handle >>> 16) + ":" + (minor == 0 ? "" : Integer.toHexString(minor));
    }
}
