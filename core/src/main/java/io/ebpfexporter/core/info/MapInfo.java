package io.ebpfexporter.core.info;

import io.ebpfexporter.core.bpf.BpfMapInfo;
import io.ebpfexporter.core.bpf.StructView;
import io.ebpfexporter.core.kernel.KernelNames;

import java.nio.ByteBuffer;

/** {@code struct bpf_map_info} as the running kernel filled it. */
public record MapInfo(int type, int id, long keySize, long valueSize, long maxEntries, long mapFlags, String name) {

    /** Decodes the first {@code infoLen} bytes the kernel filled. */
    public static MapInfo decode(ByteBuffer info, int infoLen) {
        StructView v = new StructView(info, infoLen);
        return new MapInfo(
                v.u32(BpfMapInfo.TYPE),
                v.u32(BpfMapInfo.ID),
                v.u32AsLong(BpfMapInfo.KEY_SIZE),
                v.u32AsLong(BpfMapInfo.VALUE_SIZE),
                v.u32AsLong(BpfMapInfo.MAX_ENTRIES),
                v.u32AsLong(BpfMapInfo.MAP_FLAGS),
                v.cString(BpfMapInfo.NAME));
    }

    public String typeName(KernelNames names) {
        return names.mapType(type);
    }
}
