package io.ebpfexporter.core;

import java.nio.ByteBuffer;

/** {@code struct bpf_prog_info}, decoded at the byte offsets of the current uapi (232 bytes on 6.18). */
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
        int attachBtfId) {

    public static final int SIZE = 232;

    /** Decodes the first {@code infoLen} bytes the kernel filled; fields past them read as zero. */
    public static ProgInfo decode(ByteBuffer info, int infoLen) {
        StructReader r = new StructReader(info, infoLen);
        return new ProgInfo(
                r.u32(0),
                r.u32(4),
                r.hex(8, 8),
                r.u32AsLong(16),
                r.u32AsLong(20),
                r.u64(40),
                r.u32AsLong(48),
                r.u32AsLong(52),
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
                r.u32(224));
    }

    public String typeName() {
        return KernelNames.progType(type);
    }
}
