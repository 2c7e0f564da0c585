package io.ebpfexporter.core.info;

import io.ebpfexporter.core.bpf.BpfBtfInfo;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.bpf.StructView;

import java.nio.ByteBuffer;

/**
 * {@code struct bpf_btf_info}. The name arrives through a user buffer that {@code name} points to;
 * {@code name_len} comes back as the full length even when the buffer was too small. Before Linux
 * 5.11 there is neither a name nor {@code kernel_btf}: {@link #named()} is false.
 */
public record BtfInfo(int id, long size, boolean named, String name, boolean kernel) {

    public static void pointAtName(NativeBuffer info, NativeBuffer name) {
        info.view().putLong(BpfBtfInfo.NAME.offset(), name.address());
        info.view().putInt(BpfBtfInfo.NAME_LEN.offset(), name.size());
    }

    /** Decodes the struct and reads the name from {@code nameBuffer}, bounded by its capacity. */
    public static BtfInfo decode(ByteBuffer info, int infoLen, ByteBuffer nameBuffer) {
        StructView v = new StructView(info, infoLen);
        int nameLen = v.u32(BpfBtfInfo.NAME_LEN);
        String name = nameLen > 0 ? StructView.string(nameBuffer, 0, nameLen) : "";
        return new BtfInfo(v.u32(BpfBtfInfo.ID), v.u32AsLong(BpfBtfInfo.BTF_SIZE), v.has(BpfBtfInfo.KERNEL_BTF), name,
                v.u32(BpfBtfInfo.KERNEL_BTF) != 0);
    }
}
