package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;

import java.util.ArrayList;
import java.util.List;

/**
 * XDP programs, from each interface's IFLA_XDP in the RTM_GETLINK dump (as {@code ip link} and
 * {@code bpftool net} read them): one program in one mode, or with XDP_ATTACHED_MULTI one per mode.
 * An XDP link's program is reported there too; its link id comes from the links.
 */
public final class XdpAttachments extends NetdevSource {
    private static final int IFLA_XDP = 43;
    private static final int IFLA_XDP_ATTACHED = 2;
    private static final int IFLA_XDP_PROG_ID = 4;
    private static final int IFLA_XDP_DRV_PROG_ID = 5;
    private static final int IFLA_XDP_SKB_PROG_ID = 6;
    private static final int IFLA_XDP_HW_PROG_ID = 7;
    private static final int XDP_ATTACHED_NONE = 0;
    private static final int XDP_ATTACHED_MULTI = 4;
    /** By XDP_ATTACHED_* (1 driver, 2 skb, 3 hw), as bpftool names the modes; and each mode's own id attribute. */
    private static final String[] MODES = {"", "driver", "generic", "offload"};
    private static final int[] MODE_PROG_IDS = {0, IFLA_XDP_DRV_PROG_ID, IFLA_XDP_SKB_PROG_ID, IFLA_XDP_HW_PROG_ID};

    @Override
    public String name() {
        return "xdp";
    }

    /** One XDP program of an interface and its mode. */
    record Program(int progId, String mode) {
    }

    @Override
    public void add(AttachmentScan scan, Family family) {
        for (AttachmentScan.Interface device : scan.interfaces()) {
            for (Program p : programs(device.attributes().nested(IFLA_XDP))) {
                series(family, scan, p.progId(), device, "xdp", p.mode(), scan.xdpLink(device.index(), p.progId()));
            }
        }
    }

    /** The programs an interface's IFLA_XDP (null: none) names: one, or with XDP_ATTACHED_MULTI one per mode. */
    static List<Program> programs(NetlinkAttributes xdp) {
        int attached = xdp == null ? -1 : xdp.u8(IFLA_XDP_ATTACHED);
        List<Program> out = new ArrayList<>();
        if (attached == XDP_ATTACHED_MULTI) {
            for (int mode = 1; mode < MODES.length; mode++) {
                add(out, xdp.u32(MODE_PROG_IDS[mode]), MODES[mode]);
            }
        } else if (attached > XDP_ATTACHED_NONE && attached < MODES.length) {
            add(out, xdp.u32(IFLA_XDP_PROG_ID), MODES[attached]);
        }
        return out;
    }

    private static void add(List<Program> out, String progId, String mode) {
        if (!progId.isEmpty() && !progId.equals("0")) {
            out.add(new Program(Integer.parseUnsignedInt(progId), mode));
        }
    }
}
