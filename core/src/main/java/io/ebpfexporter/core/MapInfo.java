package io.ebpfexporter.core;

import java.nio.ByteBuffer;

/** {@code struct bpf_map_info}, decoded at the byte offsets of the current uapi (104 bytes on 6.18). */
public record MapInfo(
        int type,
        int id,
        long keySize,
        long valueSize,
        long maxEntries,
        long mapFlags,
        String name,
        int ifindex,
        int btfVmlinuxValueTypeId,
        long netnsDev,
        long netnsIno,
        int btfId,
        int btfKeyTypeId,
        int btfValueTypeId,
        int btfVmlinuxId,
        long mapExtra) {

    public static final int SIZE = 104;

    /** Decodes the first {@code infoLen} bytes the kernel filled; fields past them read as zero. */
    public static MapInfo decode(ByteBuffer info, int infoLen) {
        StructReader r = new StructReader(info, infoLen);
        return new MapInfo(
                r.u32(0),
                r.u32(4),
                r.u32AsLong(8),
                r.u32AsLong(12),
                r.u32AsLong(16),
                r.u32AsLong(20),
                r.cString(24, 16),
                r.u32(40),
                r.u32(44),
                r.u64(48),
                r.u64(56),
                r.u32(64),
                r.u32(68),
                r.u32(72),
                r.u32(76),
                r.u64(80));
    }

    public String typeName() {
        return KernelNames.mapType(type);
    }
}
