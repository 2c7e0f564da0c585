package io.ebpfexporter.core;

import java.nio.ByteBuffer;

/**
 * {@code struct bpf_link_info} (64 bytes on 6.18): the common header ({@code type, id, prog_id}) and
 * the type-specific union from byte 16, which per-type decoders read with {@link #u32} and {@link #u64}
 * at the uapi's offsets (counted from the start of the struct).
 */
public final class LinkInfo {
    public static final int SIZE = 64;

    private final ByteBuffer bytes;

    private LinkInfo(ByteBuffer bytes) {
        this.bytes = bytes;
    }

    /** Keeps a copy of the first {@code infoLen} bytes the kernel filled; the rest read as zero. */
    public static LinkInfo decode(ByteBuffer info, int infoLen) {
        StructReader r = new StructReader(info, infoLen);
        return new LinkInfo(ByteBuffer.wrap(r.bytes(0, SIZE)).order(info.order()));
    }

    public int type() {
        return bytes.getInt(0);
    }

    public int id() {
        return bytes.getInt(4);
    }

    public int progId() {
        return bytes.getInt(8);
    }

    public String typeName() {
        return KernelNames.linkType(type());
    }

    /** The 32-bit field at {@code offset}; 0 outside the struct. */
    public int u32(int offset) {
        return offset >= 0 && offset + 4 <= SIZE ? bytes.getInt(offset) : 0;
    }

    /** The 64-bit field at {@code offset}; 0 outside the struct. */
    public long u64(int offset) {
        return offset >= 0 && offset + 8 <= SIZE ? bytes.getLong(offset) : 0;
    }
}
