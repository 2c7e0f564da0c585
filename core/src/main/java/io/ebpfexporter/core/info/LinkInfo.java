package io.ebpfexporter.core.info;

import io.ebpfexporter.core.bpf.BpfLinkInfo;
import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.bpf.StructView;
import io.ebpfexporter.core.kernel.KernelNames;

import java.nio.ByteBuffer;

/**
 * {@code struct bpf_link_info}: the common header ({@code type, id, prog_id}) and the type-specific
 * union, which per-type decoders read through the {@link BpfLinkInfo} fields.
 */
public final class LinkInfo {
    private final StructView view;
    private final byte[] bytes;
    private final boolean detailed;

    private LinkInfo(byte[] bytes, ByteBuffer order, boolean detailed) {
        this.bytes = bytes;
        this.view = new StructView(ByteBuffer.wrap(bytes).order(order.order()), bytes.length);
        this.detailed = detailed;
    }

    /** Keeps a copy of the first {@code infoLen} bytes the kernel filled; the rest read as zero. */
    public static LinkInfo decode(ByteBuffer info, int infoLen) {
        return new LinkInfo(new StructView(info, infoLen).copy(BpfLinkInfo.SIZE), info, infoLen > BpfLinkInfo.UNION);
    }

    /** Whether the source filled the type-specific union at all (an iterator reads only the header). */
    public boolean detailed() {
        return detailed;
    }

    public int type() {
        return view.u32(BpfLinkInfo.TYPE);
    }

    public int id() {
        return view.u32(BpfLinkInfo.ID);
    }

    public int progId() {
        return view.u32(BpfLinkInfo.PROG_ID);
    }

    /** False where the source cannot say which program the link holds (an iterator on a kernel without the member). */
    public boolean reportsProgId() {
        return view.has(BpfLinkInfo.PROG_ID);
    }

    public String typeName(KernelNames names) {
        return names.linkType(type());
    }

    public int u32(Field field) {
        return view.u32(field);
    }

    public long u64(Field field) {
        return view.u64(field);
    }

    /** Whether the type-specific union is all zeros: what a kernel that does not fill it returns. */
    public boolean unionEmpty() {
        for (int i = BpfLinkInfo.UNION; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
