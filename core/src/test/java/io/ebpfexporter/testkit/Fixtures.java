package io.ebpfexporter.testkit;

import io.ebpfexporter.core.MapEntries;
import io.ebpfexporter.core.sys.Attr;
import io.ebpfexporter.core.sys.Bpf;
import io.ebpfexporter.core.sys.Command;
import io.ebpfexporter.core.sys.NativeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Real kernel objects for tests, made through the same JNA core the exporter uses. Every fd it
 * opens is closed by {@link #close()}, which destroys the objects (nothing is pinned).
 */
public final class Fixtures implements AutoCloseable {
    public static final int PROG_SOCKET_FILTER = 1;
    public static final int PROG_KPROBE = 2;
    public static final int PROG_SCHED_CLS = 3;
    public static final int PROG_TRACEPOINT = 5;
    public static final int PROG_XDP = 6;
    public static final int PROG_CGROUP_SKB = 8;

    public static final int MAP_HASH = 1;
    public static final int MAP_STRUCT_OPS = 26;
    public static final int MAP_ARRAY = 2;
    public static final int MAP_PERF_EVENT_ARRAY = 4;
    public static final int MAP_PERCPU_HASH = 5;
    public static final int MAP_LRU_HASH = 9;
    public static final int MAP_LRU_PERCPU_HASH = 10;
    public static final int MAP_RINGBUF = 27;

    public static final int ATTACH_CGROUP_INET_INGRESS = 0;
    public static final int ATTACH_XDP = 37;

    private static final NativeBuffer LICENSE = NativeBuffer.of("GPL\0".getBytes(StandardCharsets.US_ASCII));

    /** A kernel object this kit made: its fd (owned by the kit) and its id. */
    public record Made(int fd, int id) {
    }

    private final List<Integer> fds = new ArrayList<>();
    private final Attr attr = new Attr();

    /** Loads {@code r0 = returnValue; exit} as a program of {@code type}. */
    public Made program(int type, String name, int expectedAttachType, int returnValue) {
        return program(type, name, expectedAttachType, returnValue, 0);
    }

    /** Loads {@code r0 = returnValue; exit} attached to BTF type {@code attachBtfId} of vmlinux (tracing, iter). */
    public Made program(int type, String name, int expectedAttachType, int returnValue, int attachBtfId) {
        ByteBuffer insns = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        insns.put(0, (byte) 0xb7).putInt(4, returnValue);   // BPF_ALU64 | BPF_MOV | BPF_K, r0 = imm
        insns.put(8, (byte) 0x95);                          // BPF_JMP | BPF_EXIT
        NativeBuffer code = NativeBuffer.of(insns.array());
        attr.clear()
                .putInt(0, type)
                .putInt(4, 2)
                .putPointer(8, code)
                .putPointer(16, LICENSE);
        putName(48, name);
        attr.putInt(68, expectedAttachType).putInt(108, attachBtfId);
        return own(Bpf.call(Command.PROG_LOAD, attr), 4);
    }

    public Made program(int type, String name) {
        return program(type, name, 0, 0);
    }

    /** Loads a socket filter that references {@code map} ({@code r1 = map; r0 = 0; exit}), so it uses it. */
    public Made programUsing(Made map, String name) {
        ByteBuffer insns = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        insns.put(0, (byte) 0x18).put(1, (byte) 0x11).putInt(4, map.fd()); // ld_imm64 r1, BPF_PSEUDO_MAP_FD
        insns.put(16, (byte) 0xb7);                                          // r0 = 0
        insns.put(24, (byte) 0x95);                                          // exit
        NativeBuffer code = NativeBuffer.of(insns.array());
        attr.clear().putInt(0, PROG_SOCKET_FILTER).putInt(4, 4).putPointer(8, code).putPointer(16, LICENSE);
        putName(48, name);
        return own(Bpf.call(Command.PROG_LOAD, attr), 4);
    }

    /** Runs a socket filter or XDP program {@code repeat} times on a 64-byte packet (BPF_PROG_TEST_RUN). */
    public void testRun(Made program, int repeat) {
        NativeBuffer packet = new NativeBuffer(64);
        attr.clear().putInt(0, program.fd()).putInt(8, packet.size()).putPointer(16, packet).putInt(32, repeat);
        Bpf.call(Command.PROG_TEST_RUN, attr);
    }

    public Made map(int type, int keySize, int valueSize, int maxEntries, int flags, String name) {
        attr.clear()
                .putInt(0, type)
                .putInt(4, keySize)
                .putInt(8, valueSize)
                .putInt(12, maxEntries)
                .putInt(16, flags);
        putName(28, name);
        return own(Bpf.call(Command.MAP_CREATE, attr), 4);
    }

    /**
     * Loads a minimal BTF blob: the header and one {@code INT "int"} type, {@link #TINY_BTF_SIZE} bytes.
     * User BTF has no name; the kernel reports it as anonymous.
     */
    public Made tinyBtf() {
        ByteBuffer blob = ByteBuffer.allocate(TINY_BTF_SIZE).order(ByteOrder.nativeOrder());
        blob.putShort(0, (short) 0xeB9F).put(2, (byte) 1).putInt(4, 24)  // magic, version, hdr_len
                .putInt(8, 0).putInt(12, 16).putInt(16, 16).putInt(20, 5);   // type_off/len, str_off/len
        blob.putInt(24, 1).putInt(28, 1 << 24).putInt(32, 4).putInt(36, 0x0100_0020); // INT "int", signed 32 bits
        blob.put(41, (byte) 'i').put(42, (byte) 'n').put(43, (byte) 't');        // strings "\0int\0"
        NativeBuffer data = NativeBuffer.of(blob.array());
        attr.clear().putPointer(0, data).putInt(16, TINY_BTF_SIZE);
        return own(Bpf.call(Command.BTF_LOAD, attr), 12);
    }

    public static final int TINY_BTF_SIZE = 45;

    /**
     * Inserts keys 0..n-1 (u32) with value = key (u64) by BPF_MAP_UPDATE_BATCH; the map needs key 4,
     * value 8. A per-CPU map takes one 8-byte value per possible CPU for each key.
     */
    public void fill(Made map, int n) {
        NativeBuffer info = new NativeBuffer(4);
        Bpf.call(Command.OBJ_GET_INFO_BY_FD, new Attr().putInt(0, map.fd()).putInt(4, 4).putPointer(8, info));
        int type = info.view().getInt(0);
        int slots = type == MAP_PERCPU_HASH || type == MAP_LRU_PERCPU_HASH ? MapEntries.possibleCpus() : 1;
        int chunk = 100_000;
        for (int start = 0; start < n; start += chunk) {
            int count = Math.min(chunk, n - start);
            NativeBuffer keys = new NativeBuffer(4 * count);
            NativeBuffer values = new NativeBuffer(8 * slots * count);
            for (int i = 0; i < count; i++) {
                keys.view().putInt(4 * i, start + i);
                for (int cpu = 0; cpu < slots; cpu++) {
                    values.view().putLong(8 * (slots * i + cpu), start + i);
                }
            }
            attr.clear().putPointer(16, keys).putPointer(24, values).putInt(32, count).putInt(36, map.fd());
            Bpf.call(Command.MAP_UPDATE_BATCH, attr);
        }
    }

    /**
     * A struct_ops map (one entry) whose value is the vmlinux struct {@code valueTypeId} of
     * {@code valueSize} bytes; {@code flags} BPF_F_LINK leaves registration to a link. MAP_CREATE also
     * insists on some valid user BTF ({@code btf}, e.g. {@link #tinyBtf()}), though it uses vmlinux's.
     */
    public Made structOpsMap(int valueTypeId, int valueSize, int flags, Made btf, String name) {
        attr.clear().putInt(0, MAP_STRUCT_OPS).putInt(4, 4).putInt(8, valueSize).putInt(12, 1).putInt(16, flags)
                .putInt(48, btf.fd()).putInt(60, valueTypeId); // btf_fd, btf_vmlinux_value_type_id
        putName(28, name);
        return own(Bpf.call(Command.MAP_CREATE, attr), 4);
    }

    /** BPF_MAP_UPDATE_ELEM of one key and its value. */
    public void update(Made map, byte[] key, byte[] value) {
        attr.clear().putInt(0, map.fd()).putPointer(8, NativeBuffer.of(key)).putPointer(16, NativeBuffer.of(value));
        Bpf.call(Command.MAP_UPDATE_ELEM, attr);
    }

    /** Deletes key {@code key} (u32); returns false when it was not there. */
    public boolean delete(Made map, int key) {
        NativeBuffer k = new NativeBuffer(4);
        k.view().putInt(0, key);
        try {
            Bpf.call(Command.MAP_DELETE_ELEM, new Attr().putInt(0, map.fd()).putPointer(8, k));
            return true;
        } catch (io.ebpfexporter.core.BpfException e) {
            return false;
        }
    }

    /** Freezes a map against writes from user space (BPF_MAP_FREEZE). */
    public void freeze(Made map) {
        Bpf.call(Command.MAP_FREEZE, attr.clear().putInt(0, map.fd()));
    }

    /**
     * BPF_LINK_CREATE of {@code program} on {@code target} (an fd or an ifindex) with {@code attachType};
     * {@code extra} fills the type-specific part of {@code link_create} (from byte 16).
     */
    public Made link(Made program, int target, int attachType, java.util.function.Consumer<Attr> extra) {
        attr.clear().putInt(0, program.fd()).putInt(4, target).putInt(8, attachType);
        extra.accept(attr);
        return own(Bpf.call(Command.LINK_CREATE, attr), 4);
    }

    /** BPF_RAW_TRACEPOINT_OPEN of a raw_tracepoint program on {@code tracepoint}. */
    public Made rawTracepoint(Made program, String tracepoint) {
        NativeBuffer name = NativeBuffer.of((tracepoint + "\0").getBytes(StandardCharsets.US_ASCII));
        return own(Bpf.call(Command.RAW_TRACEPOINT_OPEN, attr.clear().putPointer(0, name).putInt(8, program.fd())), 4);
    }

    /** Adopts an fd made elsewhere (a perf event, a directory) so that {@link #close()} closes it. */
    public int adopt(int fd) {
        fds.add(fd);
        return fd;
    }

    /** Closes one object early, as a churn or vanishing test needs. */
    public void close(Made made) {
        if (fds.remove((Integer) made.fd())) {
            Bpf.closeFd(made.fd());
        }
    }

    @Override
    public void close() {
        fds.forEach(Bpf::closeFd);
        fds.clear();
    }

    /** Object names are at most 15 characters of [A-Za-z0-9_.] plus NUL. */
    private void putName(int offset, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        attr.putBytes(offset, java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 15)));
    }

    /** Takes ownership of {@code fd} and reads the object's id at {@code idOffset} of its info struct. */
    private Made own(int fd, int idOffset) {
        fds.add(fd);
        NativeBuffer info = new NativeBuffer(16);
        Bpf.call(Command.OBJ_GET_INFO_BY_FD, new Attr().putInt(0, fd).putInt(4, info.size()).putPointer(8, info));
        return new Made(fd, info.view().getInt(idOffset));
    }
}
