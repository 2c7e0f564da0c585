package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.KernelNames;
import io.ebpfexporter.core.LinkInfo;

/**
 * One link as a {@link LinkDetail} sees it: its {@code bpf_link_info} fields at the uapi's offsets
 * (counted from the start of the struct), already formatted as label values.
 */
public final class Link {
    /** Fetches a string the kernel returns through a user buffer: (pointer offset, length offset). */
    @FunctionalInterface
    interface Strings {
        String read(int pointerOffset, int lengthOffset);
    }

    private final LinkInfo info;
    private final Strings strings;
    private final InterfaceNames interfaces;

    Link(LinkInfo info, Strings strings, InterfaceNames interfaces) {
        this.info = info;
        this.strings = strings;
        this.interfaces = interfaces;
    }

    public String id() {
        return Integer.toUnsignedString(info.id());
    }

    /** An unsigned 32-bit field, in decimal. */
    public String u32(int offset) {
        return Integer.toUnsignedString(info.u32(offset));
    }

    /** A signed 32-bit field, in decimal. */
    public String s32(int offset) {
        return Integer.toString(info.u32(offset));
    }

    /** An unsigned 64-bit field, in decimal. */
    public String u64(int offset) {
        return Long.toUnsignedString(info.u64(offset));
    }

    /** An unsigned 64-bit field as a number (for counters). */
    public double number(int offset) {
        long v = info.u64(offset);
        return v >= 0 ? v : Math.scalb((double) (v >>> 1), 1);
    }

    /** An id field, or "" where it is 0 (the kernel's "none"). */
    public String optionalId(int offset) {
        int id = info.u32(offset);
        return id == 0 ? "" : Integer.toUnsignedString(id);
    }

    /** An {@code enum bpf_attach_type} field, by its lowercase kernel name. */
    public String attachType(int offset) {
        return KernelNames.attachType(info.u32(offset));
    }

    /** A {@code __u32} as a raw int, for fields that select how the rest of the union reads. */
    public int raw(int offset) {
        return info.u32(offset);
    }

    /** A string the kernel returns through a user buffer (second info call). */
    public String string(int pointerOffset, int lengthOffset) {
        return strings.read(pointerOffset, lengthOffset);
    }

    /**
     * The name of the network interface whose index is at {@code offset}, in the exporter's network
     * namespace; "" when the index is 0 (device gone) or no such interface exists here.
     */
    public String interfaceName(int offset) {
        return interfaces.name(info.u32(offset));
    }
}
