package io.ebpfexporter.core.bpf;

/** {@code struct bpf_map_info}: the fields the exporter reads, each with the release that added it. */
public final class BpfMapInfo {
    private static final Struct S = new Struct("bpf_map_info");

    public static final Field TYPE = S.u32("type", 0, "4.13");
    public static final Field ID = S.u32("id", 4, "4.13");
    public static final Field KEY_SIZE = S.u32("key_size", 8, "4.13");
    public static final Field VALUE_SIZE = S.u32("value_size", 12, "4.13");
    public static final Field MAX_ENTRIES = S.u32("max_entries", 16, "4.13");
    public static final Field MAP_FLAGS = S.u32("map_flags", 20, "4.13");
    public static final Field NAME = S.bytes("name", 24, 16, "4.15");

    /** 40 bytes: up to the name, the last field read (104 on 6.18). */
    public static final int SIZE = S.size();

    private BpfMapInfo() {
    }

    /**
     * Read apart, for struct_ops maps only, so the walk's info call of every map stays {@link #SIZE}
     * bytes: the vmlinux BTF id of the struct the map's value fills ({@code bpf_struct_ops_<ops>}).
     */
    public static final class StructOps {
        private static final Struct S = new Struct("bpf_map_info");
        public static final Field BTF_VMLINUX_VALUE_TYPE_ID = S.u32("btf_vmlinux_value_type_id", 44, "5.6");

        private StructOps() {
        }
    }
}
