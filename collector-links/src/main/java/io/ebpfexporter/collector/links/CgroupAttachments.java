package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.LabelValue;
import io.ebpfexporter.core.walk.Host;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Programs attached to cgroups (BPF_PROG_ATTACH or a cgroup link), from BPF_PROG_QUERY on every cgroup
 * of the cgroup2 hierarchy, as {@code bpftool cgroup tree} finds them. Only the attach types that a
 * loaded program's type can take are asked, so a host of thousands of cgroups with only cgroup_device
 * programs costs one query per cgroup. With {@code cgroup_inherited}, an effective query per cgroup and
 * type adds the programs that run there as attached to an ancestor.
 */
public final class CgroupAttachments implements AttachmentSource {
    private static final int BPF_F_QUERY_EFFECTIVE = 1;
    /** enum bpf_prog_type → the cgroup attach types (enum bpf_attach_type) its programs take. */
    private static final Map<Integer, int[]> ATTACH_TYPES = Map.of(
            8, new int[] {0, 1},                  // cgroup_skb: inet ingress, egress
            9, new int[] {2, 12, 13, 34},         // cgroup_sock: sock_create, inet4/6_post_bind, sock_release
            13, new int[] {3},                    // sock_ops
            15, new int[] {6},                    // cgroup_device
            18, new int[] {8, 9, 10, 11, 14, 15, 19, 20, 29, 30, 31, 32, 49, 50, 51, 52, 53}, // cgroup_sock_addr
            23, new int[] {18},                   // cgroup_sysctl
            25, new int[] {21, 22},               // cgroup_sockopt: getsockopt, setsockopt
            29, new int[] {43});                  // lsm: lsm_cgroup (6.0)
    private static final String[] ATTACH_FLAGS = {"none", "override", "multi"};

    /** Attach types this kernel does not take on cgroups (it answers EINVAL): not asked again. */
    private final Set<Integer> refused = ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
        return "cgroup";
    }

    @Override
    public AttachmentFamily family() {
        return AttachmentFamily.CGROUP;
    }

    @Override
    public void add(AttachmentScan scan, Family family) {
        Host host = scan.scrape().host();
        Optional<byte[]> root = CgroupTree.root(host);
        Set<Integer> types = scan.attachTypes(ATTACH_TYPES);
        types.removeAll(refused);
        if (root.isEmpty() || types.isEmpty()) {
            return;
        }
        boolean linkIds = scan.hasCgroupLinks();
        CgroupTree.walk(host, root.get(), (fd, path, inode) -> add(scan, family, types, fd, new Cgroup(path, linkIds ? inode : 0)));
    }

    /**
     * One cgroup of the walk: its path from the root as a label value, and its id (its directory's inode,
     * which cgroup links name it by), 0 where no cgroup link exists to look up.
     */
    private record Cgroup(String path, long id) {
        Cgroup(byte[] path, long id) {
            this(path.length == 0 ? "/" : LabelValue.of(path), id);
        }

        /** The link holding {@code progId} here for {@code type}, or 0. */
        int link(AttachmentScan scan, int type, int progId) {
            return id == 0 ? 0 : scan.cgroupLink(id, type, progId);
        }
    }

    private void add(AttachmentScan scan, Family family, Set<Integer> types, int fd, Cgroup cgroup) {
        for (int type : types) {
            add(scan, family, fd, type, cgroup);
        }
    }

    private void add(AttachmentScan scan, Family family, int fd, int type, Cgroup cgroup) {
        Bpf.Attached direct = query(scan, fd, type, 0);
        if (direct == null) {
            return;
        }
        String attachType = scan.names().attachType(type);
        for (int progId : direct.progIds()) {
            family.add(Integer.toUnsignedString(progId), cgroup.path, attachType, flags(direct.attachFlags()), "false",
                    AttachmentFamily.id(cgroup.link(scan, type, progId)));
        }
        if (scan.cgroupInherited()) {
            addInherited(scan, family, fd, type, cgroup.path, attachType, direct.progIds());
        }
    }

    /** The effective programs not attached here: inherited from an ancestor, whose attach flags they carry there. */
    private void addInherited(AttachmentScan scan, Family family, int fd, int type, String cgroup, String attachType,
                              int[] direct) {
        Bpf.Attached effective = query(scan, fd, type, BPF_F_QUERY_EFFECTIVE);
        if (effective == null) {
            return;
        }
        Map<Integer, Integer> attachedHere = new HashMap<>();
        for (int progId : direct) {
            attachedHere.merge(progId, 1, Integer::sum);
        }
        for (int progId : effective.progIds()) { // a program attached here and to an ancestor is listed twice
            if (attachedHere.merge(progId, -1, Integer::sum) < 0) {
                family.add(Integer.toUnsignedString(progId), cgroup, attachType, "", "true", "");
            }
        }
    }

    /** The query's answer; null when the cgroup went away or the kernel does not take the type on cgroups. */
    private Bpf.Attached query(AttachmentScan scan, int fd, int type, int flags) {
        try {
            return scan.bpf().progQuery(fd, type, flags, false);
        } catch (BpfException e) {
            if (e.errno() == Errno.EINVAL) {
                refused.add(type);
                return null;
            }
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    private static String flags(int attachFlags) {
        return attachFlags >= 0 && attachFlags < ATTACH_FLAGS.length ? ATTACH_FLAGS[attachFlags]
                : Integer.toString(attachFlags);
    }
}
