package io.ebpfexporter.core.kernel;

import java.util.Arrays;
import java.util.Locale;

/**
 * Label values for kernel enum values, in one of two spellings. {@link #STANDARD}: as the kernel spells
 * them, lowercase and without their prefix (enum bpf_prog_type, bpf_map_type, bpf_attach_type,
 * bpf_link_type in include/uapi/linux/bpf.h). {@link #SEED}: as digitalocean-labs/ebpf_exporter prints
 * them (cilium/ebpf v0.19's ProgramType and MapType String(), its own link and perf event tables, attach
 * types upper-cased up to netkit_peer), so its dashboards keep matching. A value a table does not know
 * prints as its number (the seed's program and map types as ProgramType(N) and MapType(N)), so a newer
 * kernel never breaks a scrape.
 */
public final class KernelNames {
    private static final String[] PROG_TYPES = {
        "unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp", "perf_event",
        "cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb", "cgroup_device",
        "sk_msg", "raw_tracepoint", "cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport",
        "flow_dissector", "cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt", "tracing", "struct_ops",
        "ext", "lsm", "sk_lookup", "syscall", "netfilter",
    };

    private static final String[] MAP_TYPES = {
        "unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array",
        "stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps",
        "hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap", "sockhash", "cgroup_storage",
        "reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack", "sk_storage", "devmap_hash",
        "struct_ops", "ringbuf", "inode_storage", "task_storage", "bloom_filter", "user_ringbuf",
        "cgrp_storage", "arena", "insn_array", "rhash",
    };

    private static final String[] ATTACH_TYPES = {
        "cgroup_inet_ingress", "cgroup_inet_egress", "cgroup_inet_sock_create", "cgroup_sock_ops",
        "sk_skb_stream_parser", "sk_skb_stream_verdict", "cgroup_device", "sk_msg_verdict",
        "cgroup_inet4_bind", "cgroup_inet6_bind", "cgroup_inet4_connect", "cgroup_inet6_connect",
        "cgroup_inet4_post_bind", "cgroup_inet6_post_bind", "cgroup_udp4_sendmsg", "cgroup_udp6_sendmsg",
        "lirc_mode2", "flow_dissector", "cgroup_sysctl", "cgroup_udp4_recvmsg", "cgroup_udp6_recvmsg",
        "cgroup_getsockopt", "cgroup_setsockopt", "trace_raw_tp", "trace_fentry", "trace_fexit",
        "modify_return", "lsm_mac", "trace_iter", "cgroup_inet4_getpeername", "cgroup_inet6_getpeername",
        "cgroup_inet4_getsockname", "cgroup_inet6_getsockname", "xdp_devmap", "cgroup_inet_sock_release",
        "xdp_cpumap", "sk_lookup", "xdp", "sk_skb_verdict", "sk_reuseport_select",
        "sk_reuseport_select_or_migrate", "perf_event", "trace_kprobe_multi", "lsm_cgroup", "struct_ops",
        "netfilter", "tcx_ingress", "tcx_egress", "trace_uprobe_multi", "cgroup_unix_connect",
        "cgroup_unix_sendmsg", "cgroup_unix_recvmsg", "cgroup_unix_getpeername", "cgroup_unix_getsockname",
        "netkit_primary", "netkit_peer", "trace_kprobe_session", "trace_uprobe_session", "trace_fsession",
        "trace_fentry_multi", "trace_fexit_multi", "trace_fsession_multi",
    };

    private static final String[] LINK_TYPES = {
        "unspec", "raw_tracepoint", "tracing", "cgroup", "iter", "netns", "xdp", "perf_event", "kprobe_multi",
        "struct_ops", "netfilter", "tcx", "uprobe_multi", "netkit", "sockmap", "tracing_multi",
    };

    private static final String[] PERF_EVENT_TYPES = {
        "unspec", "uprobe", "uretprobe", "kprobe", "kretprobe", "tracepoint", "event",
    };

    private static final String[] SEED_PROG_TYPES = {
        "UnspecifiedProgram", "SocketFilter", "Kprobe", "SchedCLS", "SchedACT", "TracePoint", "XDP", "PerfEvent",
        "CGroupSKB", "CGroupSock", "LWTIn", "LWTOut", "LWTXmit", "SockOps", "SkSKB", "CGroupDevice", "SkMsg",
        "RawTracepoint", "CGroupSockAddr", "LWTSeg6Local", "LircMode2", "SkReuseport", "FlowDissector",
        "CGroupSysctl", "RawTracepointWritable", "CGroupSockopt", "Tracing", "StructOps", "Extension", "LSM",
        "SkLookup", "Syscall", "Netfilter",
    };

    private static final String[] SEED_MAP_TYPES = {
        "UnspecifiedMap", "Hash", "Array", "ProgramArray", "PerfEventArray", "PerCPUHash", "PerCPUArray",
        "StackTrace", "CGroupArray", "LRUHash", "LRUCPUHash", "LPMTrie", "ArrayOfMaps", "HashOfMaps", "DevMap",
        "SockMap", "CPUMap", "XSKMap", "SockHash", "CGroupStorage", "ReusePortSockArray", "PerCPUCGroupStorage",
        "Queue", "Stack", "SkStorage", "DevMapHash", "StructOpsMap", "RingBuf", "InodeStorage", "TaskStorage",
        "BloomFilter", "UserRingbuf", "CgroupStorage", "Arena",
    };

    /** The seed's link.go table; null where it has no name (struct_ops, sockmap), which prints as the number. */
    private static final String[] SEED_LINK_TYPES = {
        "UNSPEC", "RAW_TRACEPOINT", "TRACING", "CGROUP", "ITER", "NETNS", "XDP", "PERF_EVENT", "KPROBE_MULTI",
        null, "NETFILTER", "TCX", "UPROBE_MULTI", "NETKIT",
    };

    /** The seed names attach types up to BPF_NETKIT_PEER (55). */
    private static final int SEED_ATTACH_TYPES = 56;

    public static final KernelNames STANDARD = new KernelNames(PROG_TYPES, MAP_TYPES, ATTACH_TYPES, LINK_TYPES,
            PERF_EVENT_TYPES, "%d", "%d");
    public static final KernelNames SEED = new KernelNames(SEED_PROG_TYPES, SEED_MAP_TYPES,
            upper(Arrays.copyOf(ATTACH_TYPES, SEED_ATTACH_TYPES)), SEED_LINK_TYPES, upper(PERF_EVENT_TYPES),
            "ProgramType(%d)", "MapType(%d)");

    private final String[] progTypes;
    private final String[] mapTypes;
    private final String[] attachTypes;
    private final String[] linkTypes;
    private final String[] perfEventTypes;
    private final String unknownProgType;
    private final String unknownMapType;

    private KernelNames(String[] progTypes, String[] mapTypes, String[] attachTypes, String[] linkTypes,
                        String[] perfEventTypes, String unknownProgType, String unknownMapType) {
        this.progTypes = progTypes;
        this.mapTypes = mapTypes;
        this.attachTypes = attachTypes;
        this.linkTypes = linkTypes;
        this.perfEventTypes = perfEventTypes;
        this.unknownProgType = unknownProgType;
        this.unknownMapType = unknownMapType;
    }

    public static KernelNames of(Naming naming) {
        return naming == Naming.SEED ? SEED : STANDARD;
    }

    public String progType(int value) {
        return lookup(progTypes, value, unknownProgType);
    }

    public String mapType(int value) {
        return lookup(mapTypes, value, unknownMapType);
    }

    public String attachType(int value) {
        return lookup(attachTypes, value, "%d");
    }

    public String linkType(int value) {
        return lookup(linkTypes, value, "%d");
    }

    /** {@code enum bpf_perf_event_type}, the kind of perf event a perf_event link is attached to. */
    public String perfEventType(int value) {
        return lookup(perfEventTypes, value, "%d");
    }

    private static String lookup(String[] names, int value, String unknown) {
        String name = value >= 0 && value < names.length ? names[value] : null;
        return name != null ? name : unknown.replace("%d", Integer.toUnsignedString(value));
    }

    private static String[] upper(String[] names) {
        return Arrays.stream(names).map(n -> n.toUpperCase(Locale.ROOT)).toArray(String[]::new);
    }
}
