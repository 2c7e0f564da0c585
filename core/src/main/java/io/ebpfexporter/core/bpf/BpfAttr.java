package io.ebpfexporter.core.bpf;

/**
 * {@code union bpf_attr}: for each command the exporter or its tests issue, the fields of its member,
 * each with the release that added it.
 */
public final class BpfAttr {

    private BpfAttr() {
    }

    /** BPF_OBJ_PIN, BPF_OBJ_GET: a path in bpffs and the object's fd. */
    public static final class ObjPath {
        private static final Struct S = new Struct("bpf_attr(OBJ_PIN/OBJ_GET)");
        public static final Field PATHNAME = S.pointer("pathname", 0, "4.4");
        public static final Field BPF_FD = S.u32("bpf_fd", 8, "4.4");
        public static final Field FILE_FLAGS = S.u32("file_flags", 12, "4.15");

        private ObjPath() {
        }
    }

    /** BPF_MAP_CREATE. */
    public static final class MapCreate {
        private static final Struct S = new Struct("bpf_attr(MAP_CREATE)");
        public static final Field MAP_TYPE = S.u32("map_type", 0, "3.18");
        public static final Field KEY_SIZE = S.u32("key_size", 4, "3.18");
        public static final Field VALUE_SIZE = S.u32("value_size", 8, "3.18");
        public static final Field MAX_ENTRIES = S.u32("max_entries", 12, "3.18");
        public static final Field MAP_FLAGS = S.u32("map_flags", 16, "4.6");
        public static final Field MAP_NAME = S.bytes("map_name", 28, 16, "4.15");
        public static final Field BTF_FD = S.u32("btf_fd", 48, "4.18");
        public static final Field BTF_VMLINUX_VALUE_TYPE_ID = S.u32("btf_vmlinux_value_type_id", 60, "5.6");

        private MapCreate() {
        }
    }

    /** BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY, BPF_MAP_FREEZE. */
    public static final class MapElem {
        private static final Struct S = new Struct("bpf_attr(MAP_*_ELEM)");
        public static final Field MAP_FD = S.u32("map_fd", 0, "3.18");
        public static final Field KEY = S.pointer("key", 8, "3.18");
        /** {@code value} for lookup and update, {@code next_key} for BPF_MAP_GET_NEXT_KEY. */
        public static final Field VALUE = S.pointer("value/next_key", 16, "3.18");

        private MapElem() {
        }
    }

    /** BPF_MAP_LOOKUP_BATCH, BPF_MAP_UPDATE_BATCH. */
    public static final class MapBatch {
        private static final Struct S = new Struct("bpf_attr(MAP_*_BATCH)");
        public static final Field IN_BATCH = S.pointer("in_batch", 0, "5.6");
        public static final Field OUT_BATCH = S.pointer("out_batch", 8, "5.6");
        public static final Field KEYS = S.pointer("keys", 16, "5.6");
        public static final Field VALUES = S.pointer("values", 24, "5.6");
        public static final Field COUNT = S.u32("count", 32, "5.6");
        public static final Field MAP_FD = S.u32("map_fd", 36, "5.6");

        private MapBatch() {
        }
    }

    /** BPF_PROG_LOAD. */
    public static final class ProgLoad {
        private static final Struct S = new Struct("bpf_attr(PROG_LOAD)");
        public static final Field PROG_TYPE = S.u32("prog_type", 0, "3.18");
        public static final Field INSN_CNT = S.u32("insn_cnt", 4, "3.18");
        public static final Field INSNS = S.pointer("insns", 8, "3.18");
        public static final Field LICENSE = S.pointer("license", 16, "3.18");
        public static final Field PROG_NAME = S.bytes("prog_name", 48, 16, "4.15");
        public static final Field EXPECTED_ATTACH_TYPE = S.u32("expected_attach_type", 68, "4.17");
        public static final Field PROG_BTF_FD = S.u32("prog_btf_fd", 72, "5.0");
        public static final Field FUNC_INFO_REC_SIZE = S.u32("func_info_rec_size", 76, "5.0");
        public static final Field FUNC_INFO = S.pointer("func_info", 80, "5.0");
        public static final Field FUNC_INFO_CNT = S.u32("func_info_cnt", 88, "5.0");
        public static final Field ATTACH_BTF_ID = S.u32("attach_btf_id", 108, "5.5");

        private ProgLoad() {
        }
    }

    /** BPF_PROG_TEST_RUN. */
    public static final class TestRun {
        private static final Struct S = new Struct("bpf_attr(PROG_TEST_RUN)");
        public static final Field PROG_FD = S.u32("prog_fd", 0, "4.12");
        public static final Field DATA_SIZE_IN = S.u32("data_size_in", 8, "4.12");
        public static final Field DATA_IN = S.pointer("data_in", 16, "4.12");
        public static final Field REPEAT = S.u32("repeat", 32, "4.12");

        private TestRun() {
        }
    }

    /** BPF_*_GET_NEXT_ID and BPF_*_GET_FD_BY_ID. */
    public static final class ObjId {
        private static final Struct S = new Struct("bpf_attr(*_GET_NEXT_ID, *_GET_FD_BY_ID)");
        /** {@code start_id} for GET_NEXT_ID, the object's id for GET_FD_BY_ID. */
        public static final Field ID = S.u32("start_id/id", 0, "4.13");
        public static final Field NEXT_ID = S.u32("next_id", 4, "4.13");
        public static final Field OPEN_FLAGS = S.u32("open_flags", 8, "4.15");

        private ObjId() {
        }
    }

    /** BPF_OBJ_GET_INFO_BY_FD. */
    public static final class Info {
        private static final Struct S = new Struct("bpf_attr(OBJ_GET_INFO_BY_FD)");
        public static final Field BPF_FD = S.u32("bpf_fd", 0, "4.13");
        public static final Field INFO_LEN = S.u32("info_len", 4, "4.13");
        public static final Field INFO = S.pointer("info", 8, "4.13");

        private Info() {
        }
    }

    /** BPF_BTF_LOAD. */
    public static final class BtfLoad {
        private static final Struct S = new Struct("bpf_attr(BTF_LOAD)");
        public static final Field BTF = S.pointer("btf", 0, "4.18");
        public static final Field BTF_SIZE = S.u32("btf_size", 16, "4.18");

        private BtfLoad() {
        }
    }

    /** BPF_LINK_CREATE: the common part, then one member per attach kind from byte 16. */
    public static final class LinkCreate {
        private static final Struct S = new Struct("bpf_attr(LINK_CREATE)");
        /** {@code prog_fd}, or {@code map_fd} for struct_ops. */
        public static final Field PROG_FD = S.u32("prog_fd/map_fd", 0, "5.7");
        /** {@code target_fd} or {@code target_ifindex}. */
        public static final Field TARGET = S.u32("target_fd/target_ifindex", 4, "5.7");
        public static final Field ATTACH_TYPE = S.u32("attach_type", 8, "5.7");
        public static final Field PERF_EVENT_BPF_COOKIE = S.u64("perf_event.bpf_cookie", 16, "5.15");
        public static final Field KPROBE_MULTI_CNT = S.u32("kprobe_multi.cnt", 20, "5.18");
        public static final Field KPROBE_MULTI_SYMS = S.pointer("kprobe_multi.syms", 24, "5.18");
        public static final Field NETFILTER_PF = S.u32("netfilter.pf", 16, "6.4");
        public static final Field NETFILTER_HOOKNUM = S.u32("netfilter.hooknum", 20, "6.4");
        public static final Field NETFILTER_PRIORITY = S.u32("netfilter.priority", 24, "6.4");
        public static final Field UPROBE_MULTI_PATH = S.pointer("uprobe_multi.path", 16, "6.6");
        public static final Field UPROBE_MULTI_OFFSETS = S.pointer("uprobe_multi.offsets", 24, "6.6");
        public static final Field UPROBE_MULTI_CNT = S.u32("uprobe_multi.cnt", 48, "6.6");
        public static final Field UPROBE_MULTI_PID = S.u32("uprobe_multi.pid", 56, "6.6");

        private LinkCreate() {
        }
    }

    /** BPF_ITER_CREATE. */
    public static final class IterCreate {
        private static final Struct S = new Struct("bpf_attr(ITER_CREATE)");
        public static final Field LINK_FD = S.u32("link_fd", 0, "5.8");

        private IterCreate() {
        }
    }

    /** BPF_ENABLE_STATS. */
    public static final class EnableStats {
        private static final Struct S = new Struct("bpf_attr(ENABLE_STATS)");
        public static final Field TYPE = S.u32("type", 0, "5.8");

        private EnableStats() {
        }
    }

    /** BPF_PROG_QUERY: the programs attached to a cgroup, netns or interface for one attach type. */
    public static final class ProgQuery {
        private static final Struct S = new Struct("bpf_attr(PROG_QUERY)");
        /** {@code target_fd}, or {@code target_ifindex} for tcx and netkit. */
        public static final Field TARGET = S.u32("target_fd/target_ifindex", 0, "4.10");
        public static final Field ATTACH_TYPE = S.u32("attach_type", 4, "4.10");
        public static final Field QUERY_FLAGS = S.u32("query_flags", 8, "4.10");
        public static final Field ATTACH_FLAGS = S.u32("attach_flags", 12, "4.10");
        public static final Field PROG_IDS = S.pointer("prog_ids", 16, "4.10");
        /** {@code prog_cnt}, named {@code count} since 6.6. */
        public static final Field COUNT = S.u32("prog_cnt/count", 24, "4.10");
        public static final Field LINK_IDS = S.pointer("link_ids", 40, "6.6");

        private ProgQuery() {
        }
    }

    /** BPF_RAW_TRACEPOINT_OPEN. */
    public static final class RawTracepointOpen {
        private static final Struct S = new Struct("bpf_attr(RAW_TRACEPOINT_OPEN)");
        public static final Field NAME = S.pointer("name", 0, "4.17");
        public static final Field PROG_FD = S.u32("prog_fd", 8, "4.17");

        private RawTracepointOpen() {
        }
    }

    /** BPF_TASK_FD_QUERY: what program a process's perf-event (or raw tracepoint) fd runs, and where. */
    public static final class TaskFdQuery {
        private static final Struct S = new Struct("bpf_attr(TASK_FD_QUERY)");
        public static final Field PID = S.u32("pid", 0, "4.18");
        public static final Field FD = S.u32("fd", 4, "4.18");
        public static final Field FLAGS = S.u32("flags", 8, "4.18");
        /** In: the buffer's size; out: the name's length, without its NUL. */
        public static final Field BUF_LEN = S.u32("buf_len", 12, "4.18");
        /** The tracepoint name, kprobe function or uprobe file, NUL-terminated. */
        public static final Field BUF = S.pointer("buf", 16, "4.18");
        public static final Field PROG_ID = S.u32("prog_id", 24, "4.18");
        /** {@code enum bpf_task_fd_type}. */
        public static final Field FD_TYPE = S.u32("fd_type", 28, "4.18");
        public static final Field PROBE_OFFSET = S.u64("probe_offset", 32, "4.18");
        public static final Field PROBE_ADDR = S.u64("probe_addr", 40, "4.18");

        private TaskFdQuery() {
        }
    }
}
