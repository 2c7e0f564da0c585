package io.ebpfexporter.core.bpf;

/** {@code struct bpf_prog_info}: the fields the exporter reads, each with the release that added it. */
public final class BpfProgInfo {
    private static final Struct S = new Struct("bpf_prog_info");

    public static final Field TYPE = S.u32("type", 0, "4.13");
    public static final Field ID = S.u32("id", 4, "4.13");
    public static final Field TAG = S.bytes("tag", 8, 8, "4.13");
    public static final Field JITED_PROG_LEN = S.u32("jited_prog_len", 16, "4.13");
    public static final Field XLATED_PROG_LEN = S.u32("xlated_prog_len", 20, "4.13");
    public static final Field LOAD_TIME = S.u64("load_time", 40, "4.15");
    public static final Field CREATED_BY_UID = S.u32("created_by_uid", 48, "4.15");
    public static final Field NR_MAP_IDS = S.u32("nr_map_ids", 52, "4.15");
    public static final Field MAP_IDS = S.pointer("map_ids", 56, "4.15");
    public static final Field NAME = S.bytes("name", 64, 16, "4.15");
    public static final Field BTF_ID = S.u32("btf_id", 128, "5.0");
    public static final Field FUNC_INFO_REC_SIZE = S.u32("func_info_rec_size", 132, "5.0");
    public static final Field FUNC_INFO = S.pointer("func_info", 136, "5.0");
    public static final Field NR_FUNC_INFO = S.u32("nr_func_info", 144, "5.0");
    public static final Field RUN_TIME_NS = S.u64("run_time_ns", 192, "5.1");
    public static final Field RUN_CNT = S.u64("run_cnt", 200, "5.1");
    public static final Field RECURSION_MISSES = S.u64("recursion_misses", 208, "5.12");
    public static final Field VERIFIED_INSNS = S.u32("verified_insns", 216, "5.16");

    /** 224 bytes: up to verified_insns, the last field read (232 on 6.18). */
    public static final int SIZE = S.size();

    private BpfProgInfo() {
    }
}
