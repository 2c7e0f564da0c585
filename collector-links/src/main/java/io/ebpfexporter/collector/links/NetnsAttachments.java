package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Programs attached to a network namespace's own hooks, flow_dissector and sk_lookup, whether by
 * BPF_PROG_ATTACH or a netns link, from BPF_PROG_QUERY on the namespace of the thread that runs it, as
 * {@code bpftool net} lists them there. Only the hooks a loaded program's type can take are asked; a
 * kernel without one answers EINVAL (sk_lookup came with Linux 5.9), and it is not asked again. The query
 * names no link, so the link holding a program is found among the netns links by namespace, hook and program.
 */
public final class NetnsAttachments implements AttachmentSource {
    /** enum bpf_prog_type → the netns attach type (enum bpf_attach_type) its programs take. */
    private static final Map<Integer, int[]> ATTACH_TYPES = Map.of(
            22, new int[] {17},  // flow_dissector
            30, new int[] {36}); // sk_lookup

    /** Attach types this kernel does not take on a namespace (it answers EINVAL): not asked again. */
    private final Set<Integer> refused = ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
        return "netns";
    }

    @Override
    public AttachmentFamily family() {
        return AttachmentFamily.NETNS;
    }

    @Override
    public boolean networkNamespaced() {
        return true;
    }

    @Override
    public void add(AttachmentScan scan, Family family) {
        Set<Integer> types = scan.attachTypes(ATTACH_TYPES);
        types.removeAll(refused);
        if (types.isEmpty()) {
            return;
        }
        String netnsIno = scan.netnsIno();
        int netns = scan.scrape().host().open("/proc/thread-self/ns/net");
        AttachmentScan.queryEach(netns, types, type -> add(scan, family, netns, netnsIno, type));
    }

    private void add(AttachmentScan scan, Family family, int netns, String netnsIno, int type) {
        Bpf.Attached attached;
        try {
            attached = scan.bpf().progQuery(netns, type, 0, false);
        } catch (BpfException e) {
            if (e.errno() == Errno.EINVAL) {
                refused.add(type);
                return;
            }
            throw e;
        }
        String attachType = scan.names().attachType(type);
        for (int progId : attached.progIds()) {
            int link = netnsIno.isEmpty() ? 0 : scan.netnsLink(Long.parseLong(netnsIno), type, progId);
            family.add(Integer.toUnsignedString(progId), netnsIno, attachType, AttachmentFamily.id(link));
        }
    }
}
