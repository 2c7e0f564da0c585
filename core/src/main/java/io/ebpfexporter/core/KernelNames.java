package io.ebpfexporter.core;

/**
 * Kernel enum values as the kernel spells them, lowercase and without their prefix (enum bpf_prog_type,
 * bpf_map_type, bpf_attach_type, bpf_link_type in include/uapi/linux/bpf.h). A value this table does not
 * know prints as its number, so a newer kernel never breaks a scrape.
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
        "cgrp_storage", "arena", "insn_array",
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
        "netkit_primary", "netkit_peer", "trace_kprobe_session", "trace_uprobe_session",
    };

    private static final String[] LINK_TYPES = {
        "unspec", "raw_tracepoint", "tracing", "cgroup", "iter", "netns", "xdp", "perf_event", "kprobe_multi",
        "struct_ops", "netfilter", "tcx", "uprobe_multi", "netkit", "sockmap", "tracing_multi",
    };

    private static final String[] PERF_EVENT_TYPES = {
        "unspec", "uprobe", "uretprobe", "kprobe", "kretprobe", "tracepoint", "event",
    };

    private KernelNames() {
    }

    public static String progType(int value) {
        return lookup(PROG_TYPES, value);
    }

    public static String mapType(int value) {
        return lookup(MAP_TYPES, value);
    }

    public static String attachType(int value) {
        return lookup(ATTACH_TYPES, value);
    }

    public static String linkType(int value) {
        return lookup(LINK_TYPES, value);
    }

    /** {@code enum bpf_perf_event_type}, the kind of perf event a perf_event link is attached to. */
    public static String perfEventType(int value) {
        return lookup(PERF_EVENT_TYPES, value);
    }

    private static String lookup(String[] names, int value) {
        return value >= 0 && value < names.length ? names[value] : Integer.toUnsignedString(value);
    }
}
