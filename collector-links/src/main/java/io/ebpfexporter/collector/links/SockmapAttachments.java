package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.info.MapInfo;

import java.util.Map;
import java.util.Set;

/**
 * Programs attached to sockmaps and sockhashes (sk_msg and sk_skb, by BPF_PROG_ATTACH or a sockmap
 * link), from BPF_PROG_QUERY on each such map, opened by id; bpftool has no listing of these. Only
 * asked while an sk_msg or sk_skb program is loaded, and only for the hooks their types take. The
 * query names no link, so the link holding a program is found among the sockmap links (Linux 6.10).
 * <p>
 * A kernel before 5.18 cannot say (it answers EINVAL for every one of these hooks): while such programs
 * and maps exist, the source fails with that reason each scrape, so its success series says 0 (its
 * series are incomplete) without a query being issued again.
 */
public final class SockmapAttachments implements AttachmentSource {
    private static final int MAP_SOCKMAP = 15;
    private static final int MAP_SOCKHASH = 18;
    private static final int EBUSY = 16;
    /** enum bpf_prog_type → the map attach types (enum bpf_attach_type) its programs take. */
    private static final Map<Integer, int[]> ATTACH_TYPES = Map.of(
            14, new int[] {4, 5, 38}, // sk_skb: stream_parser, stream_verdict, skb_verdict (5.13)
            16, new int[] {7});       // sk_msg: msg_verdict
    private static final String CANNOT_SAY = "this kernel cannot list the programs of a sockmap or sockhash"
            + " (BPF_PROG_QUERY on a map came with Linux 5.18)";

    private volatile boolean kernelCannotSay;

    @Override
    public String name() {
        return "sockmap";
    }

    @Override
    public AttachmentFamily family() {
        return AttachmentFamily.SOCKMAP;
    }

    @Override
    public void add(AttachmentScan scan, Family family) {
        Set<Integer> types = scan.attachTypes(ATTACH_TYPES);
        if (types.isEmpty()) {
            return;
        }
        for (MapInfo map : scan.maps().values()) {
            if (map.type() == MAP_SOCKMAP || map.type() == MAP_SOCKHASH) {
                if (kernelCannotSay) {
                    throw new IllegalStateException(CANNOT_SAY);
                }
                add(scan, family, map.id(), types);
            }
        }
    }

    private void add(AttachmentScan scan, Family family, int mapId, Set<Integer> types) {
        int fd = scan.openMap(mapId);
        if (fd < 0) {
            return;
        }
        AttachmentScan.queryEach(fd, types, type -> add(scan, family, fd, mapId, type));
    }

    private void add(AttachmentScan scan, Family family, int fd, int mapId, int type) {
        Bpf.Attached attached;
        try {
            attached = scan.bpf().progQuery(fd, type, 0, false);
        } catch (BpfException e) {
            if (e.errno() == Errno.EINVAL) {
                kernelCannotSay = true;
                throw new IllegalStateException(CANNOT_SAY);
            }
            if (e.errno() == EBUSY || e.errno() == Errno.EOPNOTSUPP) {
                return; // the other verdict hook (stream or skb) holds the map, or the kernel is built without stream parsers
            }
            throw e;
        }
        String attachType = scan.names().attachType(type);
        for (int progId : attached.progIds()) {
            family.add(Integer.toUnsignedString(progId), Integer.toUnsignedString(mapId), attachType,
                    AttachmentFamily.id(scan.sockmapLink(mapId, type, progId)));
        }
    }
}
