package io.ebpfexporter.core.info;

import io.ebpfexporter.core.bpf.BpfMapInfo;
import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.bpf.StructView;
import io.ebpfexporter.core.kernel.KernelNames;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * {@code struct bpf_map_info} as the running kernel filled it; {@code vmlinuxValueTypeId} is
 * {@link StructView#ABSENT} where the kernel (before 5.6) or the source does not report it.
 */
public record MapInfo(int type, int id, long keySize, long valueSize, long maxEntries, long mapFlags, String name,
                      long vmlinuxValueTypeId) {
    /** BPF_MAP_TYPE_STRUCT_OPS. */
    public static final int STRUCT_OPS = 26;

    /** Decodes the first {@code infoLen} bytes the kernel filled. */
    public static MapInfo decode(ByteBuffer info, int infoLen) {
        return decode(info, infoLen, Set.of());
    }

    /** Decodes the first {@code infoLen} bytes a source filled; {@code unreported} fields are absent. */
    public static MapInfo decode(ByteBuffer info, int infoLen, Set<Field> unreported) {
        StructView v = new StructView(info, infoLen, unreported);
        return new MapInfo(
                v.u32(BpfMapInfo.TYPE),
                v.u32(BpfMapInfo.ID),
                v.u32AsLong(BpfMapInfo.KEY_SIZE),
                v.u32AsLong(BpfMapInfo.VALUE_SIZE),
                v.u32AsLong(BpfMapInfo.MAX_ENTRIES),
                v.u32AsLong(BpfMapInfo.MAP_FLAGS),
                v.cString(BpfMapInfo.NAME),
                v.u32OrAbsent(BpfMapInfo.BTF_VMLINUX_VALUE_TYPE_ID));
    }

    public String typeName(KernelNames names) {
        return names.mapType(type);
    }
}
