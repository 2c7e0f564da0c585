package io.ebpfexporter.core;

import io.ebpfexporter.core.sys.NativeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct bpf_prog_info}, decoded at the byte offsets of the current uapi (232 bytes on 6.18),
 * with the ids of the maps the program uses, which the kernel copies to a user buffer.
 */
public record ProgInfo(
        int type,
        int id,
        String tag,
        long jitedProgLen,
        long xlatedProgLen,
        long loadTimeNs,
        long createdByUid,
        long nrMapIds,
        String name,
        int ifindex,
        boolean gplCompatible,
        long netnsDev,
        long netnsIno,
        int btfId,
        long runTimeNs,
        long runCnt,
        long recursionMisses,
        long verifiedInsns,
        int attachBtfObjId,
        int attachBtfId,
        List<Integer> mapIds) {

    public static final int SIZE = 232;
    /** The kernel lets one program use at most MAX_USED_MAPS (64) maps, so one call always gets them all. */
    static final int MAX_MAP_IDS = 64;
    private static final int NR_MAP_IDS = 52;
    private static final int MAP_IDS_POINTER = 56;

    public ProgInfo {
        mapIds = List.copyOf(mapIds);
    }

    static void pointAtMapIds(NativeBuffer info, NativeBuffer mapIds) {
        info.view().putInt(NR_MAP_IDS, mapIds.size() / Integer.BYTES);
        info.view().putLong(MAP_IDS_POINTER, mapIds.address());
    }

    /** Decodes a struct that was not asked for map ids. */
    public static ProgInfo decode(ByteBuffer info, int infoLen) {
        return decode(info, infoLen, ByteBuffer.allocate(0));
    }

    /**
     * Decodes the first {@code infoLen} bytes the kernel filled (fields past them read as zero), and
     * the map ids it wrote to {@code mapIdBuffer}: {@code nr_map_ids} of them, bounded by the buffer.
     */
    public static ProgInfo decode(ByteBuffer info, int infoLen, ByteBuffer mapIdBuffer) {
        StructReader r = new StructReader(info, infoLen);
        long nrMapIds = r.u32AsLong(NR_MAP_IDS);
        List<Integer> mapIds = new ArrayList<>();
        for (int i = 0; i < nrMapIds && (i + 1) * Integer.BYTES <= mapIdBuffer.limit(); i++) {
            mapIds.add(mapIdBuffer.getInt(i * Integer.BYTES));
        }
        return new ProgInfo(
                r.u32(0),
                r.u32(4),
                r.hex(8, 8),
                r.u32AsLong(16),
                r.u32AsLong(20),
                r.u64(40),
                r.u32AsLong(48),
                nrMapIds,
                r.cString(64, 16),
                r.u32(80),
                (r.u32(84) & 1) != 0,
                r.u64(88),
                r.u64(96),
                r.u32(128),
                r.u64(192),
                r.u64(200),
                r.u64(208),
                r.u32AsLong(216),
                r.u32(220),
                r.u32(224),
                mapIds);
    }

    public String typeName() {
        return KernelNames.progType(type);
    }
}
