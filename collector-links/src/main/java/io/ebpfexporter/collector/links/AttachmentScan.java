package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfLinkInfo;
import io.ebpfexporter.core.bpf.NetlinkSocket;
import io.ebpfexporter.core.info.LinkInfo;
import io.ebpfexporter.core.kernel.KernelNames;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.core.walk.OpenObject;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one scrape of attachments reads at most once and its sources share, each part only when a source
 * asks: the interfaces of the exporter's network namespace (one RTM_GETLINK dump), the links (to name the
 * link behind an attachment: XDP, cgroup and perf_event links), the types of the loaded programs, one
 * bpf() attr and one netlink socket, closed together.
 */
public final class AttachmentScan implements AutoCloseable {
    /** A network interface as RTM_GETLINK reported it, with its attributes (IFLA_*). */
    public record Interface(int index, String name, NetlinkAttributes attributes) {
    }

    /**
     * A link's target: its type, the interface index, cgroup id or probe offset, the attach type (0 for
     * XDP; for a perf event, its {@code enum bpf_perf_event_type}), the program, and the probed name ("" but
     * for perf events).
     */
    private record LinkTarget(int linkType, long target, int attachType, int progId, String name) {
    }

    static final int LINK_TYPE_CGROUP = 3;
    static final int LINK_TYPE_XDP = 6;
    static final int LINK_TYPE_PERF_EVENT = 7;
    private static final int RTM_NEWLINK = 16;
    private static final int RTM_GETLINK = 18;
    /** sizeof(struct ifinfomsg). */
    private static final int IFINFOMSG = 16;
    private static final int IFLA_IFNAME = 3;

    private final ScrapeContext scrape;
    private final KernelNames names;
    private final boolean cgroupInherited;
    private final Bpf bpf = new Bpf();
    private NetlinkSocket netlink;
    private List<Interface> interfaces;
    private Map<LinkTarget, Integer> links;
    private Set<Integer> progTypes;
    private String netnsIno;

    AttachmentScan(ScrapeContext scrape, KernelNames names, boolean cgroupInherited) {
        this.scrape = scrape;
        this.names = names;
        this.cgroupInherited = cgroupInherited;
    }

    public ScrapeContext scrape() {
        return scrape;
    }

    public KernelNames names() {
        return names;
    }

    /** Whether cgroups report the programs they inherit from their ancestors too. */
    public boolean cgroupInherited() {
        return cgroupInherited;
    }

    public Bpf bpf() {
        return bpf;
    }

    /** The route netlink socket of this scrape, opened on first use. */
    public NetlinkSocket netlink() {
        if (netlink == null) {
            netlink = NetlinkSocket.route();
        }
        return netlink;
    }

    /** The inode of the running thread's network namespace, which the interfaces belong to; "" if unreadable. */
    public String netnsIno() {
        if (netnsIno == null) {
            try {
                netnsIno = Files.getAttribute(scrape.host().path("/proc/thread-self/ns/net"), "unix:ino").toString();
            } catch (IOException | UnsupportedOperationException e) {
                netnsIno = "";
            }
        }
        return netnsIno;
    }

    /** Every interface of the exporter's network namespace, in ifindex order. */
    public List<Interface> interfaces() {
        if (interfaces == null) {
            List<Interface> out = new ArrayList<>();
            byte[] request = new byte[IFINFOMSG]; // AF_UNSPEC, every interface
            for (NetlinkSocket.Message m : netlink().dump("RTM_GETLINK", RTM_GETLINK, request)) {
                if (m.type() == RTM_NEWLINK && m.payload().limit() >= IFINFOMSG) {
                    NetlinkAttributes attributes = new NetlinkAttributes(m.payload(), IFINFOMSG);
                    out.add(new Interface(m.payload().getInt(4), attributes.string(IFLA_IFNAME), attributes));
                }
            }
            out.sort((a, b) -> Integer.compare(a.index(), b.index()));
            interfaces = out;
        }
        return interfaces;
    }

    /** The types of the programs loaded now. */
    public Set<Integer> progTypes() {
        if (progTypes == null) {
            Set<Integer> types = new HashSet<>();
            ObjectWalk.forEach(scrape.host().objects(), ObjectKind.PROGRAMS, object -> object.info().type(), types::add,
                    scrape.readers());
            progTypes = types;
        }
        return progTypes;
    }

    /** The link that attaches {@code progId} to XDP on {@code ifindex}, or 0 for none. */
    public int xdpLink(int ifindex, int progId) {
        return links().getOrDefault(new LinkTarget(LINK_TYPE_XDP, ifindex, 0, progId, ""), 0);
    }

    /** The link that attaches {@code progId} to the cgroup {@code cgroupId} for {@code attachType}, or 0. */
    public int cgroupLink(long cgroupId, int attachType, int progId) {
        return links().getOrDefault(new LinkTarget(LINK_TYPE_CGROUP, cgroupId, attachType, progId, ""), 0);
    }

    /**
     * The perf_event link (Linux 6.6 reports its target) attaching {@code progId} to the perf event of
     * {@code perfEventType} (enum bpf_perf_event_type) on {@code name} at {@code offset}, or 0 when none
     * does, or more than one does, so the event's own link cannot be told.
     */
    public int perfEventLink(int perfEventType, String name, long offset, int progId) {
        return links().getOrDefault(new LinkTarget(LINK_TYPE_PERF_EVENT, offset, perfEventType, progId, name), 0);
    }

    /** Whether any cgroup link exists, so a cgroup's id is worth reading. */
    public boolean hasCgroupLinks() {
        return links().keySet().stream().anyMatch(t -> t.linkType() == LINK_TYPE_CGROUP);
    }

    private Map<LinkTarget, Integer> links() {
        if (links == null) {
            Map<LinkTarget, Integer> out = new HashMap<>();
            ObjectWalk.forEach(scrape.host().objects(), ObjectKind.LINKS, AttachmentScan::target, found -> {
                if (found != null) {
                    out.merge(found.target(), found.linkId(), (a, b) -> ambiguous(found.target()) ? 0 : b);
                }
            }, scrape.readers());
            links = out;
        }
        return links;
    }

    private record FoundLink(LinkTarget target, int linkId) {
    }

    /** Two perf_event links on the same target: neither is the link of a perf event found there. */
    private static boolean ambiguous(LinkTarget target) {
        return target.linkType() == LINK_TYPE_PERF_EVENT;
    }

    /**
     * An XDP, cgroup or perf_event link's target, or null for other links and for links the source did not
     * detail.
     */
    private static FoundLink target(OpenObject<LinkInfo> link) {
        LinkInfo l = link.info();
        if (!l.detailed()) {
            return null;
        }
        return switch (l.type()) {
            case LINK_TYPE_XDP -> new FoundLink(new LinkTarget(LINK_TYPE_XDP, l.u32(BpfLinkInfo.Xdp.IFINDEX), 0,
                    l.progId(), ""), l.id());
            case LINK_TYPE_CGROUP -> new FoundLink(new LinkTarget(LINK_TYPE_CGROUP, l.u64(BpfLinkInfo.Cgroup.CGROUP_ID),
                    l.u32(BpfLinkInfo.Cgroup.ATTACH_TYPE), l.progId(), ""), l.id());
            case LINK_TYPE_PERF_EVENT -> new FoundLink(new LinkTarget(LINK_TYPE_PERF_EVENT,
                    l.u32(BpfLinkInfo.PerfEvent.PROBE_OFFSET) & 0xffffffffL, l.u32(BpfLinkInfo.PerfEvent.TYPE),
                    l.progId(), LinkStrings.read(link, BpfLinkInfo.PerfEvent.NAME, BpfLinkInfo.PerfEvent.NAME_LEN)), l.id());
            default -> null;
        };
    }

    @Override
    public void close() {
        bpf.close();
        if (netlink != null) {
            netlink.close();
        }
    }
}
