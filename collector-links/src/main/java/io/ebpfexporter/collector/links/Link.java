package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.info.LinkInfo;
import io.ebpfexporter.core.kernel.KernelNames;

/**
 * One link as a {@link LinkDetail} sees it: its {@code bpf_link_info} fields, read through their
 * {@link io.ebpfexporter.core.bpf.BpfLinkInfo} declarations and formatted as label values.
 */
public final class Link {
    /** Fetches a string the kernel returns through a user buffer: its pointer and length fields. */
    @FunctionalInterface
    interface Strings {
        String read(Field pointer, Field length);
    }

    /** Names a tracing target: (target object id, BTF type id) → its vmlinux function name, or "". */
    @FunctionalInterface
    interface Targets {
        String name(int targetObjId, int targetBtfId);
    }

    private final LinkInfo info;
    private final KernelNames names;
    private final Strings strings;
    private final InterfaceNames interfaces;
    private final Targets targets;

    Link(LinkInfo info, KernelNames names, Strings strings, InterfaceNames interfaces, Targets targets) {
        this.info = info;
        this.names = names;
        this.strings = strings;
        this.interfaces = interfaces;
        this.targets = targets;
    }

    public String id() {
        return Integer.toUnsignedString(info.id());
    }

    /** An unsigned 32-bit field, in decimal. */
    public String u32(Field field) {
        return Integer.toUnsignedString(info.u32(field));
    }

    /** A signed 32-bit field, in decimal. */
    public String s32(Field field) {
        return Integer.toString(info.u32(field));
    }

    /** An unsigned 64-bit field, in decimal. */
    public String u64(Field field) {
        return Long.toUnsignedString(info.u64(field));
    }

    /** An unsigned 64-bit field as a number (for counters). */
    public double number(Field field) {
        long v = info.u64(field);
        return v >= 0 ? v : Math.scalb((double) (v >>> 1), 1);
    }

    /** An id field, or "" where it is 0 (the kernel's "none"). */
    public String optionalId(Field field) {
        int id = info.u32(field);
        return id == 0 ? "" : Integer.toUnsignedString(id);
    }

    /** An {@code enum bpf_attach_type} field, by its name in the configured naming. */
    public String attachType(Field field) {
        return names.attachType(info.u32(field));
    }

    /** An {@code enum bpf_perf_event_type} field, by its name in the configured naming. */
    public String perfEventType(Field field) {
        return names.perfEventType(info.u32(field));
    }

    /** A {@code __u32} as a raw int, for fields that select how the rest of the union reads. */
    public int raw(Field field) {
        return info.u32(field);
    }

    /** A string the kernel returns through a user buffer (second info call). */
    public String string(Field pointer, Field length) {
        return strings.read(pointer, length);
    }

    /** Whether the kernel filled this link's type-specific member (it returns zeros where it does not). */
    public boolean detailsFilled() {
        return !info.unionEmpty();
    }

    /** The vmlinux name of the tracing target in {@code objId} and {@code btfId}, or "" where there is none. */
    public String tracingTarget(Field objId, Field btfId) {
        return targets.name(info.u32(objId), info.u32(btfId));
    }

    /**
     * The name of the network interface whose index is in {@code field}, in the exporter's network
     * namespace; "" when the index is 0 (device gone) or no such interface exists here.
     */
    public String interfaceName(Field field) {
        return interfaces.name(info.u32(field));
    }
}
