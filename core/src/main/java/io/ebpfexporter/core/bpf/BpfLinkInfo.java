package io.ebpfexporter.core.bpf;

/**
 * {@code struct bpf_link_info}: the common header, then one union member per link type from byte 16,
 * each declared here with the release that began filling it. A kernel that knows a link type but not
 * its member (perf_event links before 6.6) returns the union as zeros.
 */
public final class BpfLinkInfo {
    private static final Struct S = new Struct("bpf_link_info");

    public static final Field TYPE = S.u32("type", 0, "5.8");
    public static final Field ID = S.u32("id", 4, "5.8");
    public static final Field PROG_ID = S.u32("prog_id", 8, "5.8");
    /** Where the type-specific union starts. */
    public static final int UNION = 16;

    public static final class RawTracepoint {
        public static final Field TP_NAME = S.pointer("raw_tracepoint.tp_name", 16, "5.8");
        public static final Field TP_NAME_LEN = S.u32("raw_tracepoint.tp_name_len", 24, "5.8");

        private RawTracepoint() {
        }
    }

    public static final class Tracing {
        public static final Field ATTACH_TYPE = S.u32("tracing.attach_type", 16, "5.8");
        public static final Field TARGET_OBJ_ID = S.u32("tracing.target_obj_id", 20, "5.13");
        public static final Field TARGET_BTF_ID = S.u32("tracing.target_btf_id", 24, "5.13");

        private Tracing() {
        }
    }

    public static final class Cgroup {
        public static final Field CGROUP_ID = S.u64("cgroup.cgroup_id", 16, "5.8");
        public static final Field ATTACH_TYPE = S.u32("cgroup.attach_type", 24, "5.8");

        private Cgroup() {
        }
    }

    public static final class Iter {
        public static final Field TARGET_NAME = S.pointer("iter.target_name", 16, "5.9");
        public static final Field TARGET_NAME_LEN = S.u32("iter.target_name_len", 24, "5.9");
        public static final Field MAP_ID = S.u32("iter.map.map_id", 28, "5.9");

        private Iter() {
        }
    }

    public static final class Netns {
        public static final Field NETNS_INO = S.u32("netns.netns_ino", 16, "5.8");
        public static final Field ATTACH_TYPE = S.u32("netns.attach_type", 20, "5.8");

        private Netns() {
        }
    }

    public static final class Xdp {
        public static final Field IFINDEX = S.u32("xdp.ifindex", 16, "5.9");

        private Xdp() {
        }
    }

    public static final class StructOps {
        public static final Field MAP_ID = S.u32("struct_ops.map_id", 16, "6.4");

        private StructOps() {
        }
    }

    public static final class Netfilter {
        public static final Field PF = S.u32("netfilter.pf", 16, "6.4");
        public static final Field HOOKNUM = S.u32("netfilter.hooknum", 20, "6.4");
        public static final Field PRIORITY = S.u32("netfilter.priority", 24, "6.4");
        public static final Field FLAGS = S.u32("netfilter.flags", 28, "6.4");

        private Netfilter() {
        }
    }

    public static final class KprobeMulti {
        public static final Field COUNT = S.u32("kprobe_multi.count", 24, "6.6");
        public static final Field FLAGS = S.u32("kprobe_multi.flags", 28, "6.6");
        public static final Field MISSED = S.u64("kprobe_multi.missed", 32, "6.7");

        private KprobeMulti() {
        }
    }

    public static final class UprobeMulti {
        public static final Field PATH = S.pointer("uprobe_multi.path", 16, "6.8");
        public static final Field PATH_SIZE = S.u32("uprobe_multi.path_size", 48, "6.8");
        public static final Field COUNT = S.u32("uprobe_multi.count", 52, "6.8");
        public static final Field FLAGS = S.u32("uprobe_multi.flags", 56, "6.8");
        public static final Field PID = S.u32("uprobe_multi.pid", 60, "6.8");

        private UprobeMulti() {
        }
    }

    /** perf_event: {@code type} selects which member of the inner union from byte 24 the kernel filled. */
    public static final class PerfEvent {
        public static final Field TYPE = S.u32("perf_event.type", 16, "6.6");
        /** uprobe.file_name, kprobe.func_name and tracepoint.tp_name share this place and length. */
        public static final Field NAME = S.pointer("perf_event.*.name", 24, "6.6");
        public static final Field NAME_LEN = S.u32("perf_event.*.name_len", 32, "6.6");
        /** uprobe.offset and kprobe.offset. */
        public static final Field PROBE_OFFSET = S.u32("perf_event.*probe.offset", 36, "6.6");
        public static final Field KPROBE_ADDR = S.u64("perf_event.kprobe.addr", 40, "6.6");
        public static final Field EVENT_CONFIG = S.u64("perf_event.event.config", 24, "6.6");
        public static final Field EVENT_TYPE = S.u32("perf_event.event.type", 32, "6.6");

        private PerfEvent() {
        }
    }

    /** tcx and netkit share this shape. */
    public static final class Device {
        public static final Field IFINDEX = S.u32("tcx/netkit.ifindex", 16, "6.6");
        public static final Field ATTACH_TYPE = S.u32("tcx/netkit.attach_type", 20, "6.6");

        private Device() {
        }
    }

    public static final class Sockmap {
        public static final Field MAP_ID = S.u32("sockmap.map_id", 16, "6.10");
        public static final Field ATTACH_TYPE = S.u32("sockmap.attach_type", 20, "6.10");

        private Sockmap() {
        }
    }

    /** 64 bytes on 6.18, the size of its largest union member. */
    public static final int SIZE = 64;

    private BpfLinkInfo() {
    }
}
