package io.ebpfexporter.core;

import io.ebpfexporter.core.sys.NativeBuffer;

import java.nio.ByteBuffer;

/**
 * {@code struct bpf_btf_info} (32 bytes). The name arrives through a user buffer that {@code name}
 * points to; {@code name_len} comes back as the full length even when the buffer was too small.
 */
public record BtfInfo(int id, long size, String name, boolean kernel) {

    public static final int SIZE = 32;
    /** Offsets of the user-pointer name field and its length. */
    static final int NAME_POINTER = 16;
    static final int NAME_LEN = 24;

    static void pointAtName(NativeBuffer info, NativeBuffer name) {
        info.view().putLong(NAME_POINTER, name.address());
        info.view().putInt(NAME_LEN, name.size());
    }

    /** Decodes the struct and reads the name from {@code nameBuffer}, bounded by its capacity. */
    public static BtfInfo decode(ByteBuffer info, int infoLen, ByteBuffer nameBuffer) {
        StructReader r = new StructReader(info, infoLen);
        int nameLen = r.u32(NAME_LEN);
        String name = nameLen > 0 ? StructReader.string(nameBuffer, 0, nameLen) : "";
        return new BtfInfo(r.u32(12), r.u32AsLong(8), name, r.u32(28) != 0);
    }
}
