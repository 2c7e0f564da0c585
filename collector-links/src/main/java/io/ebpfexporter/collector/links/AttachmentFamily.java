package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.ScrapeContext;

/** The families of attachments, one per kind of target, each joinable with ebpf_program_info on prog_id. */
public enum AttachmentFamily {
    NETDEV("ebpf_program_netdev_attachment_info",
            "Program attached to a network interface: hook (xdp, tc_ingress, tc_egress, tc, tcx_ingress, tcx_egress,"
                    + " netkit_primary, netkit_peer), XDP mode, tc parent qdisc or class, chain, priority and handle,"
                    + " and the link that holds it, if any",
            "prog_id", "netns_ino", "interface_index", "interface_name", "hook", "mode", "parent", "chain", "priority",
            "handle", "link_id"),
    CGROUP("ebpf_program_cgroup_attachment_info",
            "Program attached to a cgroup (path from the cgroup2 root): attach type, attach flags, whether it runs"
                    + " there only as inherited from an ancestor, and the link that holds it, if any",
            "prog_id", "cgroup", "attach_type", "attach_flags", "inherited", "link_id"),
    NETNS("ebpf_program_netns_attachment_info",
            "Program attached to a network namespace's own hook (attach type flow_dissector or sk_lookup), and the"
                    + " link that holds it, if any",
            "prog_id", "netns_ino", "attach_type", "link_id"),
    SOCKMAP("ebpf_program_sockmap_attachment_info",
            "Program attached to a sockmap or sockhash (attach type sk_msg_verdict, sk_skb_stream_parser,"
                    + " sk_skb_stream_verdict or sk_skb_verdict), and the link that holds it, if any",
            "prog_id", "map_id", "attach_type", "link_id"),
    PROG_ARRAY("ebpf_program_prog_array_attachment_info",
            "Program in a slot (index) of a prog_array, which runs it as the target of a tail call",
            "prog_id", "map_id", "index"),
    PERF_EVENT("ebpf_program_perf_event_attachment_info",
            "Program attached to a perf event (kind: tracepoint, kprobe, kretprobe, uprobe, uretprobe): the process"
                    + " and fd holding the event, the tracepoint, function or file probed, the probe's offset (or, for"
                    + " a kprobe placed by address, its address), and the perf_event link that holds it, if one can be"
                    + " told",
            "prog_id", "pid", "fd", "kind", "target", "offset", "address", "link_id");

    private final String metric;
    private final String help;
    private final String[] labels;

    AttachmentFamily(String metric, String help, String... labels) {
        this.metric = metric;
        this.help = help;
        this.labels = labels;
    }

    Family newFamily(ScrapeContext scrape) {
        return scrape.info(metric, help, labels);
    }

    /** An id as a label value: "" for 0, which the kernel uses for none. */
    static String id(int id) {
        return id == 0 ? "" : Integer.toUnsignedString(id);
    }
}
