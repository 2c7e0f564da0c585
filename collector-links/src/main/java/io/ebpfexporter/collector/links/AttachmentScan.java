package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.BpfLinkInfo;
import io.ebpfexporter.core.bpf.Command;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.NetlinkSocket;
import io.ebpfexporter.core.info.LinkInfo;
import io.ebpfexporter.core.info.MapInfo;
import io.ebpfexporter.core.kernel.KernelNames;
import io.ebpfexporter.core.walk.NetworkNamespaces;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.core.walk.OpenObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntConsumer;

/**
 * What one scrape of attachments reads at most once and its sources share, each part only when a source
 * asks: per network namespace, its interfaces (one RTM_GETLINK dump), its inode and one netlink socket;
 * for the whole scrape, the links (to name the link behind an attachment: XDP, cgroup, netns, sockmap and
 * perf_event links), the types of the loaded programs, the loaded maps and one bpf() attr. The scan the
 * collector makes closes the shared part.
 */
public final class AttachmentScan implements AutoCloseable {
    /** A network interface as RTM_GETLINK reported it, with its attributes (IFLA_*). */
    public record Interface(int index, String name, NetlinkAttributes attributes) {
    }

    /**
     * A link's target: its type, the interface index, cgroup id, namespace inode, map id or probe offset,
     * the attach type (0 for XDP; for a perf event, its {@code enum bpf_perf_event_type}), the program, and
     * the probed name ("" but for perf events).
     */
    private record LinkTarget(int linkType, long target, int attachType, int progId, String name) {
    }

    static final int LINK_TYPE_CGROUP = 3;
    static final int LINK_TYPE_NETNS = 5;
    static final int LINK_TYPE_XDP = 6;
    static final int LINK_TYPE_PERF_EVENT = 7;
    static final int LINK_TYPE_SOCKMAP = 14;
    private static final int RTM_NEWLINK = 16;
    private static final int RTM_GETLINK = 18;
    /** sizeof(struct ifinfomsg). */
    private static final int IFINFOMSG = 16;
    private static final int IFLA_IFNAME = 3;
    /** BPF_F_RDONLY: the sources only read a map (query or look up), never write it. */
    private static final int OPEN_READ_ONLY = 1 << 3;

    /** What every network namespace's scan of one scrape shares: read once, used by one thread at a time. */
    private static final class Shared {
        private final ScrapeContext scrape;
        private final KernelNames names;
        private final boolean cgroupInherited;
        private final Bpf bpf = new Bpf();
        private Map<LinkTarget, Integer> links;
        private Set<Integer> progTypes;
        private Map<Integer, MapInfo> maps;

        private Shared(ScrapeContext scrape, KernelNames names, boolean cgroupInherited) {
            this.scrape = scrape;
            this.names = names;
            this.cgroupInherited = cgroupInherited;
        }
    }

    private final Shared shared;
    /** Whether this scan holds the shared part, which its close closes. */
    private final boolean owner;
    private NetlinkSocket netlink;
    private List<Interface> interfaces;
    private String netnsIno;

    AttachmentScan(ScrapeContext scrape, KernelNames names, boolean cgroupInherited) {
        this(new Shared(scrape, names, cgroupInherited), true);
    }

    private AttachmentScan(Shared shared, boolean owner) {
        this.shared = shared;
        this.owner = owner;
    }

    /**
     * A scan of the same scrape for the network namespace the calling thread is in now: its own netlink
     * socket (a socket belongs to the namespace of the thread that opens it), interfaces and inode, the
     * rest shared with this one. Its close closes only its own part.
     */
    AttachmentScan inCurrentNamespace() {
        return new AttachmentScan(shared, false);
    }

    public ScrapeContext scrape() {
        return shared.scrape;
    }

    public KernelNames names() {
        return shared.names;
    }

    /** Whether cgroups report the programs they inherit from their ancestors too. */
    public boolean cgroupInherited() {
        return shared.cgroupInherited;
    }

    public Bpf bpf() {
        return shared.bpf;
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
            long inode = NetworkNamespaces.current(scrape().host());
            netnsIno = inode == 0 ? "" : Long.toString(inode);
        }
        return netnsIno;
    }

    /** Every interface of this scan's network namespace, in ifindex order. */
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
        if (shared.progTypes == null) {
            Set<Integer> types = new HashSet<>();
            ObjectWalk.forEach(scrape().host().objects(), ObjectKind.PROGRAMS, object -> object.info().type(), types::add,
                    scrape().readers());
            shared.progTypes = types;
        }
        return shared.progTypes;
    }

    /** The attach types that the types of the programs loaded now can take, of those {@code byProgType} lists. */
    public Set<Integer> attachTypes(Map<Integer, int[]> byProgType) {
        Set<Integer> types = new TreeSet<>();
        for (int progType : progTypes()) {
            for (int attachType : byProgType.getOrDefault(progType, new int[0])) {
                types.add(attachType);
            }
        }
        return types;
    }

    /**
     * Runs {@code query} for each of {@code types} on the object open as {@code fd}, which the caller
     * opened for it, and closes it.
     */
    static void queryEach(int fd, Set<Integer> types, IntConsumer query) {
        try {
            types.forEach(query::accept);
        } finally {
            Bpf.close(fd);
        }
    }

    /** The maps loaded now, by id in id order. */
    public Map<Integer, MapInfo> maps() {
        if (shared.maps == null) {
            Map<Integer, MapInfo> found = new TreeMap<>();
            ObjectWalk.forEach(scrape().host().objects(), ObjectKind.MAPS, object -> object.info(),
                    info -> found.put(info.id(), info), scrape().readers());
            shared.maps = found;
        }
        return shared.maps;
    }

    /**
     * A read-only fd of the map {@code mapId}, which the caller closes, or -1 when it was freed since it was
     * listed. Throws when the kernel refuses (opening by id needs CAP_SYS_ADMIN).
     */
    int openMap(int mapId) {
        try {
            return bpf().fdById(Command.MAP_GET_FD_BY_ID, mapId, OPEN_READ_ONLY);
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT) {
                return -1;
            }
            throw e;
        }
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

    /** The link that attaches {@code progId} to the network namespace of inode {@code netnsIno} for {@code attachType}, or 0. */
    public int netnsLink(long netnsIno, int attachType, int progId) {
        return links().getOrDefault(new LinkTarget(LINK_TYPE_NETNS, netnsIno, attachType, progId, ""), 0);
    }

    /** The link that attaches {@code progId} to the sockmap or sockhash {@code mapId} for {@code attachType}, or 0. */
    public int sockmapLink(int mapId, int attachType, int progId) {
        return links().getOrDefault(new LinkTarget(LINK_TYPE_SOCKMAP, mapId, attachType, progId, ""), 0);
    }

    /** Whether any cgroup link exists, so a cgroup's id is worth reading. */
    public boolean hasCgroupLinks() {
        return links().keySet().stream().anyMatch(t -> t.linkType() == LINK_TYPE_CGROUP);
    }

    private Map<LinkTarget, Integer> links() {
        if (shared.links == null) {
            Map<LinkTarget, Integer> out = new HashMap<>();
            ObjectWalk.forEach(scrape().host().objects(), ObjectKind.LINKS, AttachmentScan::target, found -> {
                if (found != null) {
                    out.merge(found.target(), found.linkId(), (a, b) -> ambiguous(found.target()) ? 0 : b);
                }
            }, scrape().readers());
            shared.links = out;
        }
        return shared.links;
    }

    private record FoundLink(LinkTarget target, int linkId) {
    }

    /** Two perf_event links on the same target: neither is the link of a perf event found there. */
    private static boolean ambiguous(LinkTarget target) {
        return target.linkType() == LINK_TYPE_PERF_EVENT;
    }

    /**
     * An XDP, cgroup, netns, sockmap or perf_event link's target, or null for other links and for links the
     * source did not detail.
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
            case LINK_TYPE_NETNS -> new FoundLink(new LinkTarget(LINK_TYPE_NETNS,
                    Integer.toUnsignedLong(l.u32(BpfLinkInfo.Netns.NETNS_INO)), l.u32(BpfLinkInfo.Netns.ATTACH_TYPE),
                    l.progId(), ""), l.id());
            case LINK_TYPE_SOCKMAP -> new FoundLink(new LinkTarget(LINK_TYPE_SOCKMAP, l.u32(BpfLinkInfo.Sockmap.MAP_ID),
                    l.u32(BpfLinkInfo.Sockmap.ATTACH_TYPE), l.progId(), ""), l.id());
            case LINK_TYPE_PERF_EVENT -> new FoundLink(new LinkTarget(LINK_TYPE_PERF_EVENT,
                    l.u32(BpfLinkInfo.PerfEvent.PROBE_OFFSET) & 0xffffffffL, l.u32(BpfLinkInfo.PerfEvent.TYPE),
                    l.progId(), LinkStrings.read(link, BpfLinkInfo.PerfEvent.NAME, BpfLinkInfo.PerfEvent.NAME_LEN)), l.id());
            default -> null;
        };
    }

    @Override
    public void close() {
        if (owner) {
            shared.bpf.close();
        }
        if (netlink != null) {
            netlink.close();
        }
    }
}
