package io.ebpfexporter.core.bpf;

import io.ebpfexporter.core.sys.Syscall;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The bpf() commands, one method each, filling their {@link BpfAttr} fields; errors become
 * {@link BpfException}. An instance reuses one attr and belongs to one thread at a time; its owner
 * closes it, which frees the attr.
 */
public final class Bpf implements AutoCloseable {
    private static final NativeBuffer LICENSE = NativeBuffer.of("GPL\0".getBytes(StandardCharsets.US_ASCII));

    private final Attr attr = new Attr();
    /** BPF_PROG_QUERY's id arrays, made by the first query and kept for the next: a cgroup walk issues thousands. */
    private NativeBuffer queryProgIds;
    private NativeBuffer queryLinkIds;

    /** What one BPF_MAP_LOOKUP_BATCH returned: entries copied, and whether it reached the end. */
    public record Batch(int count, boolean last) {
    }

    /**
     * Issues {@code command} with the attr {@code fill} writes, and returns its non-negative result: the
     * commands issued once in a while; those issued per object have their own methods below.
     */
    public int call(Command command, Consumer<Attr> fill) {
        fill.accept(attr.clear());
        return issue(command);
    }

    /** The id after {@code after} (BPF_*_GET_NEXT_ID), or 0 when there is none: ids start at 1. */
    public int nextId(Command command, int after) {
        attr.clear().put(BpfAttr.ObjId.ID, after);
        try {
            issue(command);
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT) {
                return 0;
            }
            throw e;
        }
        return attr.getInt(BpfAttr.ObjId.NEXT_ID);
    }

    /** An fd for the object {@code id} (BPF_*_GET_FD_BY_ID). */
    public int fdById(Command command, int id, int openFlags) {
        attr.clear().put(BpfAttr.ObjId.ID, id).put(BpfAttr.ObjId.OPEN_FLAGS, openFlags);
        return issue(command);
    }

    /**
     * BPF_OBJ_GET: an fd of the object pinned at {@code path} (bytes, without the NUL), opened with
     * {@code fileFlags} (BPF_F_RDONLY).
     */
    public int objGet(byte[] path, int fileFlags) {
        try (NativeBuffer name = NativeBuffer.of(java.util.Arrays.copyOf(path, path.length + 1))) {
            return call(Command.OBJ_GET, a -> a.putPointer(BpfAttr.ObjPath.PATHNAME, name)
                    .put(BpfAttr.ObjPath.FILE_FLAGS, fileFlags));
        }
    }

    /**
     * Fills the first {@code size} bytes of {@code info} with the object's info struct
     * (BPF_OBJ_GET_INFO_BY_FD) and returns how many the kernel filled: fewer on an older kernel.
     */
    public int objInfo(int fd, NativeBuffer info, int size) {
        attr.clear().put(BpfAttr.Info.BPF_FD, fd).put(BpfAttr.Info.INFO_LEN, size).putPointer(BpfAttr.Info.INFO, info);
        issue(Command.OBJ_GET_INFO_BY_FD);
        return attr.getInt(BpfAttr.Info.INFO_LEN);
    }

    /** The id of a program, map or link fd: {@code id} sits at byte 4 of each of their info structs. */
    public int idOf(int fd) {
        try (NativeBuffer info = new NativeBuffer(BpfProgInfo.ID.end())) {
            objInfo(fd, info, info.size());
            return info.view().getInt(BpfProgInfo.ID.offset());
        }
    }

    /** BPF_PROG_LOAD of GPL-licensed {@code insns}; {@code attachBtfId} 0 for none. */
    public int progLoad(int type, NativeBuffer insns, String name, int expectedAttachType, int attachBtfId) {
        return call(Command.PROG_LOAD, a -> a
                .put(BpfAttr.ProgLoad.PROG_TYPE, type)
                .put(BpfAttr.ProgLoad.INSN_CNT, insns.size() / 8)
                .putPointer(BpfAttr.ProgLoad.INSNS, insns)
                .putPointer(BpfAttr.ProgLoad.LICENSE, LICENSE)
                .putName(BpfAttr.ProgLoad.PROG_NAME, name)
                .put(BpfAttr.ProgLoad.EXPECTED_ATTACH_TYPE, expectedAttachType)
                .put(BpfAttr.ProgLoad.ATTACH_BTF_ID, attachBtfId));
    }

    /** BPF_LINK_CREATE; {@code extra} fills the attach kind's member (from byte 16), if any. */
    public int linkCreate(int progFd, int target, int attachType, Consumer<Attr> extra) {
        return call(Command.LINK_CREATE, a -> extra.accept(a.put(BpfAttr.LinkCreate.PROG_FD, progFd)
                .put(BpfAttr.LinkCreate.TARGET, target).put(BpfAttr.LinkCreate.ATTACH_TYPE, attachType)));
    }

    /** BPF_ITER_CREATE: a readable fd of the iterator link's output. */
    public int iterCreate(int linkFd) {
        return call(Command.ITER_CREATE, a -> a.put(BpfAttr.IterCreate.LINK_FD, linkFd));
    }

    /** BPF_ENABLE_STATS: an fd that keeps statistics of {@code type} on while open. */
    public int enableStats(int type) {
        return call(Command.ENABLE_STATS, a -> a.put(BpfAttr.EnableStats.TYPE, type));
    }

    /**
     * What one BPF_PROG_QUERY returned: the target's attach flags for the type (0 for an effective
     * query), the program ids in run order, and the link id of each (0: attached without a link), or
     * null when the query did not ask for them.
     */
    public record Attached(int attachFlags, int[] progIds, int[] linkIds) {
    }

    /**
     * BPF_PROG_QUERY of {@code target} (an fd, or an ifindex for tcx) for {@code attachType};
     * {@code withLinkIds} asks for link ids too (Linux 6.6), which an older kernel refuses (EINVAL).
     */
    public Attached progQuery(int target, int attachType, int queryFlags, boolean withLinkIds) {
        if (queryProgIds == null) {
            sizeQueryIds(64);
        }
        while (true) {
            int capacity = queryProgIds.size() / Integer.BYTES;
            NativeBuffer linkIds = withLinkIds ? queryLinkIds : null;
            attr.clear().put(BpfAttr.ProgQuery.TARGET, target).put(BpfAttr.ProgQuery.ATTACH_TYPE, attachType)
                    .put(BpfAttr.ProgQuery.QUERY_FLAGS, queryFlags).putPointer(BpfAttr.ProgQuery.PROG_IDS, queryProgIds)
                    .put(BpfAttr.ProgQuery.COUNT, capacity).putPointer(BpfAttr.ProgQuery.LINK_IDS, linkIds);
            try {
                issue(Command.PROG_QUERY);
            } catch (BpfException e) {
                int count = attr.getInt(BpfAttr.ProgQuery.COUNT);
                if (e.errno() == Errno.ENOSPC && count > capacity) { // more than there was room for: ask again for all
                    closeQueryIds();
                    sizeQueryIds(count);
                    continue;
                }
                throw e;
            }
            int count = Math.min(capacity, attr.getInt(BpfAttr.ProgQuery.COUNT));
            return new Attached(attr.getInt(BpfAttr.ProgQuery.ATTACH_FLAGS), ids(queryProgIds, count),
                    linkIds == null ? null : ids(linkIds, count));
        }
    }

    private void sizeQueryIds(int capacity) {
        queryProgIds = new NativeBuffer(capacity * Integer.BYTES);
        queryLinkIds = new NativeBuffer(capacity * Integer.BYTES);
    }

    private void closeQueryIds() {
        if (queryProgIds != null) {
            queryProgIds.close();
            queryLinkIds.close();
        }
    }

    private static int[] ids(NativeBuffer buffer, int count) {
        int[] out = new int[count];
        buffer.view().asIntBuffer().get(0, out);
        return out;
    }

    /**
     * What BPF_TASK_FD_QUERY said of a process's fd: the program it runs, {@code enum bpf_task_fd_type},
     * the tracepoint, function or file it probes (bytes, without the NUL; empty for a kprobe placed by
     * address), and the probe's offset and address.
     */
    public record TaskFd(int progId, int fdType, byte[] name, long probeOffset, long probeAddr) {
    }

    /**
     * BPF_TASK_FD_QUERY of {@code fd} in process {@code pid}, the name read into {@code name}, which
     * holds any name the kernel gives (PATH_MAX). ENOENT: the fd runs no program, or the process is gone;
     * EBADF: the fd is closed; ENOTSUPP: not a perf event; EPERM: without CAP_SYS_ADMIN.
     */
    public TaskFd taskFdQuery(int pid, int fd, NativeBuffer name) {
        attr.clear().put(BpfAttr.TaskFdQuery.PID, pid).put(BpfAttr.TaskFdQuery.FD, fd)
                .put(BpfAttr.TaskFdQuery.BUF_LEN, name.size()).putPointer(BpfAttr.TaskFdQuery.BUF, name);
        issue(Command.TASK_FD_QUERY);
        int length = Math.min(attr.getInt(BpfAttr.TaskFdQuery.BUF_LEN), name.size() - 1);
        byte[] text = new byte[Math.max(length, 0)];
        name.view().get(0, text);
        return new TaskFd(attr.getInt(BpfAttr.TaskFdQuery.PROG_ID), attr.getInt(BpfAttr.TaskFdQuery.FD_TYPE), text,
                attr.getLong(BpfAttr.TaskFdQuery.PROBE_OFFSET), attr.getLong(BpfAttr.TaskFdQuery.PROBE_ADDR));
    }

    /** BPF_MAP_LOOKUP_BATCH of up to {@code count} entries, resuming after {@code in} (null: from the start). */
    public Batch mapLookupBatch(int mapFd, NativeBuffer in, NativeBuffer out, NativeBuffer keys, NativeBuffer values,
                                int count) {
        attr.clear()
                .putPointer(BpfAttr.MapBatch.IN_BATCH, in)
                .putPointer(BpfAttr.MapBatch.OUT_BATCH, out)
                .putPointer(BpfAttr.MapBatch.KEYS, keys)
                .putPointer(BpfAttr.MapBatch.VALUES, values)
                .put(BpfAttr.MapBatch.COUNT, count)
                .put(BpfAttr.MapBatch.MAP_FD, mapFd);
        try {
            issue(Command.MAP_LOOKUP_BATCH);
        } catch (BpfException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
            return new Batch(attr.getInt(BpfAttr.MapBatch.COUNT), true); // the last batch still carries entries
        }
        return new Batch(attr.getInt(BpfAttr.MapBatch.COUNT), false);
    }

    /** BPF_MAP_LOOKUP_ELEM of {@code key} into {@code value}; false when the key has no element (ENOENT). */
    public boolean mapLookup(int mapFd, NativeBuffer key, NativeBuffer value) {
        return elementCall(Command.MAP_LOOKUP_ELEM, mapFd, key, value);
    }

    /** BPF_MAP_GET_NEXT_KEY after {@code key} (null: the first) into {@code next}; false when none is left. */
    public boolean mapGetNextKey(int mapFd, NativeBuffer key, NativeBuffer next) {
        return elementCall(Command.MAP_GET_NEXT_KEY, mapFd, key, next);
    }

    /** A BPF_MAP_*_ELEM-shaped command; false for ENOENT (no such element, or no next key). */
    private boolean elementCall(Command command, int mapFd, NativeBuffer key, NativeBuffer value) {
        attr.clear().put(BpfAttr.MapElem.MAP_FD, mapFd).putPointer(BpfAttr.MapElem.KEY, key)
                .putPointer(BpfAttr.MapElem.VALUE, value);
        try {
            issue(command);
            return true;
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    private int issue(Command command) {
        long result = Syscall.bpf(command.number, attr.buffer.address(), Attr.SIZE);
        Reference.reachabilityFence(attr); // keeps the buffers attr points at alive through the call
        if (result < 0) {
            throw new BpfException(command.uapiName(), Syscall.errno());
        }
        return (int) result;
    }

    /** read(2) into {@code buffer}: the bytes read, 0 at end of file. */
    public static int read(int fd, NativeBuffer buffer) {
        long n = Syscall.read(fd, buffer.address(), buffer.size());
        Reference.reachabilityFence(buffer);
        if (n < 0) {
            throw new BpfException("read", Syscall.errno());
        }
        return (int) n;
    }

    /** Frees the attr; the instance must not be used after. */
    @Override
    public void close() {
        attr.buffer.close();
        closeQueryIds();
    }

    /** Closes an fd the kernel gave us; a failure here is not actionable, so it is ignored. */
    public static void close(int fd) {
        if (fd >= 0) {
            Syscall.close(fd);
        }
    }
}
