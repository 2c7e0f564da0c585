package io.ebpfexporter.core;

import java.nio.ByteBuffer;

/**
 * {@code struct bpf_link_info} (64 bytes on 6.18): the common header, and the type-specific union
 * that starts at byte 16, kept as bytes for the per-type decoders.
 */
public record LinkInfo(int type, int id, int progId, ByteBuffer details) {

    public static final int SIZE = 64;
    /** Where the type-specific union starts (8-byte aligned after type, id, prog_id). */
    public static final int DETAILS_OFFSET = 16;

    public static LinkInfo decode(ByteBuffer info, int infoLen) {
        StructReader r = new StructReader(info, infoLen);
        ByteBuffer details = ByteBuffer.wrap(r.bytes(DETAILS_OFFSET, SIZE - DETAILS_OFFSET))
                .asReadOnlyBuffer().order(info.order());
        return new LinkInfo(r.u32(0), r.u32(4), r.u32(8), details);
    }

    public String typeName() {
        return KernelNames.linkType(type);
    }
}
