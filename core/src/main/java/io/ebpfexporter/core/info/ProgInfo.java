package io.ebpfexporter.core.info;

import io.ebpfexporter.core.bpf.BpfProgInfo;
import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.bpf.StructView;
import io.ebpfexporter.core.kernel.KernelNames;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code struct bpf_prog_info} as the running kernel filled it, with the ids of the maps the program
 * uses, which the kernel copies to a user buffer. Fields an older kernel does not report are
 * {@link StructView#ABSENT} (−1).
 */
public record ProgInfo(
        int type,
        int id,
        String tag,
        long jitedProgLen,
        long xlatedProgLen,
        long loadTimeNs,
        long createdByUid,
        String name,
        long btfId,
        long runTimeNs,
        long runCnt,
        long recursionMisses,
        long verifiedInsns,
        List<Integer> mapIds) {

    /** The kernel lets one program use at most MAX_USED_MAPS (64) maps, so one call always gets them all. */
    public static final int MAX_MAP_IDS = 64;

    public ProgInfo {
        mapIds = List.copyOf(mapIds);
    }

    public static void pointAtMapIds(NativeBuffer info, NativeBuffer mapIds) {
        info.view().putInt(BpfProgInfo.NR_MAP_IDS.offset(), mapIds.size() / Integer.BYTES);
        info.view().putLong(BpfProgInfo.MAP_IDS.offset(), mapIds.address());
    }

    /** Decodes a struct that was not asked for map ids. */
    static ProgInfo decode(ByteBuffer info, int infoLen) {
        return decode(info, infoLen, ByteBuffer.allocate(0));
    }

    public static ProgInfo decode(ByteBuffer info, int infoLen, ByteBuffer mapIdBuffer) {
        return decode(info, infoLen, mapIdBuffer, Set.of());
    }

    /**
     * Decodes the first {@code infoLen} bytes the kernel filled, and the map ids it wrote to
     * {@code mapIdBuffer}: {@code nr_map_ids} of them, bounded by the buffer; {@code unreported} fields
     * are absent.
     */
    public static ProgInfo decode(ByteBuffer info, int infoLen, ByteBuffer mapIdBuffer, Set<Field> unreported) {
        StructView v = new StructView(info, infoLen, unreported);
        long nrMapIds = v.u32AsLong(BpfProgInfo.NR_MAP_IDS);
        List<Integer> mapIds = new ArrayList<>();
        for (int i = 0; i < nrMapIds && (i + 1) * Integer.BYTES <= mapIdBuffer.limit(); i++) {
            mapIds.add(mapIdBuffer.getInt(i * Integer.BYTES));
        }
        return new ProgInfo(
                v.u32(BpfProgInfo.TYPE),
                v.u32(BpfProgInfo.ID),
                v.hex(BpfProgInfo.TAG),
                v.u32AsLong(BpfProgInfo.JITED_PROG_LEN),
                v.u32AsLong(BpfProgInfo.XLATED_PROG_LEN),
                v.u64(BpfProgInfo.LOAD_TIME),
                v.u32OrAbsent(BpfProgInfo.CREATED_BY_UID),
                v.cString(BpfProgInfo.NAME),
                v.u32OrAbsent(BpfProgInfo.BTF_ID),
                v.u64OrAbsent(BpfProgInfo.RUN_TIME_NS),
                v.u64OrAbsent(BpfProgInfo.RUN_CNT),
                v.u64OrAbsent(BpfProgInfo.RECURSION_MISSES),
                v.u32OrAbsent(BpfProgInfo.VERIFIED_INSNS),
                mapIds);
    }

    public String typeName(KernelNames names) {
        return names.progType(type);
    }
}
