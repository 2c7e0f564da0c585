package io.ebpfexporter.testkit;

import io.ebpfexporter.core.asm.AluOp;
import io.ebpfexporter.core.asm.Assembler;
import io.ebpfexporter.core.asm.Instruction;
import io.ebpfexporter.core.bpf.Attr;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfAttr;
import io.ebpfexporter.core.bpf.BpfBtfInfo;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.BpfMapInfo;
import io.ebpfexporter.core.bpf.Command;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.bpf.PerCpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.ebpfexporter.core.asm.Register.R0;
import static io.ebpfexporter.core.asm.Register.R1;
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
    public static final int PROG_SK_MSG = 16;
    public static final int PROG_FLOW_DISSECTOR = 22;

    public static final int MAP_HASH = 1;
    public static final int MAP_STRUCT_OPS = 26;
    public static final int MAP_ARRAY = 2;
    public static final int MAP_PROG_ARRAY = 3;
    public static final int MAP_PERF_EVENT_ARRAY = 4;
    public static final int MAP_DEVMAP = 14;
    public static final int MAP_PERCPU_HASH = 5;
    public static final int MAP_LRU_HASH = 9;
    public static final int MAP_LRU_PERCPU_HASH = 10;
    public static final int MAP_RINGBUF = 27;
    public static final int MAP_SOCKHASH = 18;

    public static final int ATTACH_CGROUP_INET_INGRESS = 0;
    public static final int ATTACH_XDP = 37;
    public static final int ATTACH_SK_MSG_VERDICT = 7;
    public static final int ATTACH_FLOW_DISSECTOR = 17;

    /** A kernel object this kit made: its fd (owned by the kit) and its id. */
    public record Made(int fd, int id) {
    }

    private final List<Integer> fds = new ArrayList<>();
    private final Bpf bpf = new Bpf();

    /** Loads {@code r0 = returnValue; exit} as a program of {@code type}. */
    public Made program(int type, String name, int expectedAttachType, int returnValue) {
        return program(type, name, expectedAttachType, returnValue, 0);
    }

    /** Loads {@code r0 = returnValue; exit} attached to BTF type {@code attachBtfId} of vmlinux (tracing, iter). */
    public Made program(int type, String name, int expectedAttachType, int returnValue, int attachBtfId) {
        return own(bpf.progLoad(type, NativeBuffer.of(returning(returnValue)), name, expectedAttachType, attachBtfId));
    }

    /** The program {@code r0 = value; exit}. */
    static byte[] returning(int value) {
        return new Assembler().add(AluOp.MOV.imm(R0, value), Instruction.exit()).bytes();
    }

    public Made program(int type, String name) {
        return program(type, name, 0, 0);
    }

    /** Loads a socket filter that references {@code map} ({@code r1 = map; r0 = 0; exit}), so it uses it. */
    public Made programUsing(Made map, String name) {
        byte[] code = new Assembler().add(Instruction.loadMapFd(R1, map.fd()), AluOp.MOV.imm(R0, 0), Instruction.exit()).bytes();
        return own(bpf.progLoad(PROG_SOCKET_FILTER, NativeBuffer.of(code), name, 0, 0));
    }

    /** Runs a socket filter or XDP program {@code repeat} times on a 64-byte packet (BPF_PROG_TEST_RUN). */
    public void testRun(Made program, int repeat) {
        NativeBuffer packet = new NativeBuffer(64);
        bpf.call(Command.PROG_TEST_RUN, a -> a.put(BpfAttr.TestRun.PROG_FD, program.fd())
                .put(BpfAttr.TestRun.DATA_SIZE_IN, packet.size()).putPointer(BpfAttr.TestRun.DATA_IN, packet)
                .put(BpfAttr.TestRun.REPEAT, repeat));
    }

    public Made map(int type, int keySize, int valueSize, int maxEntries, int flags, String name) {
        return map(type, keySize, valueSize, maxEntries, flags, name, a -> { });
    }

    private Made map(int type, int keySize, int valueSize, int maxEntries, int flags, String name, Consumer<Attr> extra) {
        return own(bpf.call(Command.MAP_CREATE, a -> {
            a.put(BpfAttr.MapCreate.MAP_TYPE, type)
                    .put(BpfAttr.MapCreate.KEY_SIZE, keySize)
                    .put(BpfAttr.MapCreate.VALUE_SIZE, valueSize)
                    .put(BpfAttr.MapCreate.MAX_ENTRIES, maxEntries)
                    .put(BpfAttr.MapCreate.MAP_FLAGS, flags)
                    .putName(BpfAttr.MapCreate.MAP_NAME, name);
            extra.accept(a);
        }));
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
        int fd = bpf.call(Command.BTF_LOAD, a -> a.putPointer(BpfAttr.BtfLoad.BTF, data).put(BpfAttr.BtfLoad.BTF_SIZE, TINY_BTF_SIZE));
        fds.add(fd);
        NativeBuffer info = new NativeBuffer(BpfBtfInfo.ID.end());
        bpf.objInfo(fd, info, info.size());
        return new Made(fd, info.view().getInt(BpfBtfInfo.ID.offset()));
    }

    public static final int TINY_BTF_SIZE = 45;

    /**
     * A socket filter whose one function, {@code function}, is described by BTF func info, as clang and
     * libbpf load programs: BTF of {@code INT "int"}, {@code FUNC_PROTO int (void)} and a static
     * {@code FUNC function}; the kernel's name of it is its first 15 characters.
     */
    public Made programWithFuncInfo(String function) {
        byte[] name = function.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int strLen = 1 + 4 + name.length + 1;            // "\0int\0<function>\0"
        int typeLen = 16 + 12 + 12;
        ByteBuffer blob = ByteBuffer.allocate(24 + typeLen + strLen).order(ByteOrder.nativeOrder());
        blob.putShort(0, (short) 0xeB9F).put(2, (byte) 1).putInt(4, 24)
                .putInt(8, 0).putInt(12, typeLen).putInt(16, typeLen).putInt(20, strLen);
        blob.putInt(24, 1).putInt(28, 1 << 24).putInt(32, 4).putInt(36, 0x0100_0020); // [1] INT "int"
        blob.putInt(40, 0).putInt(44, 13 << 24).putInt(48, 1);                        // [2] FUNC_PROTO, returns [1]
        blob.putInt(52, 5).putInt(56, 12 << 24).putInt(60, 2);                        // [3] FUNC, static, of [2]
        blob.put(24 + typeLen + 1, "int".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        blob.put(24 + typeLen + 5, name);
        NativeBuffer data = NativeBuffer.of(blob.array());
        int btf = bpf.call(Command.BTF_LOAD, a -> a.putPointer(BpfAttr.BtfLoad.BTF, data).put(BpfAttr.BtfLoad.BTF_SIZE, data.size()));
        fds.add(btf);
        NativeBuffer code = NativeBuffer.of(returning(0));
        NativeBuffer funcInfo = new NativeBuffer(8);
        funcInfo.view().putInt(0, 0).putInt(4, 3);     // insn_off 0, type_id [3]
        NativeBuffer license = NativeBuffer.of("GPL\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return own(bpf.call(Command.PROG_LOAD, a -> a.put(BpfAttr.ProgLoad.PROG_TYPE, PROG_SOCKET_FILTER)
                .put(BpfAttr.ProgLoad.INSN_CNT, 2).putPointer(BpfAttr.ProgLoad.INSNS, code)
                .putPointer(BpfAttr.ProgLoad.LICENSE, license)
                .putName(BpfAttr.ProgLoad.PROG_NAME, function.substring(0, Math.min(15, function.length())))
                .put(BpfAttr.ProgLoad.PROG_BTF_FD, btf).put(BpfAttr.ProgLoad.FUNC_INFO_REC_SIZE, 8)
                .putPointer(BpfAttr.ProgLoad.FUNC_INFO, funcInfo).put(BpfAttr.ProgLoad.FUNC_INFO_CNT, 1)));
    }

    /**
     * Inserts keys 0..n-1 (u32) with value = key (u64) by BPF_MAP_UPDATE_BATCH; the map needs key 4,
     * value 8. A per-CPU map takes one 8-byte value per possible CPU for each key.
     */
    public void fill(Made map, int n) {
        NativeBuffer info = new NativeBuffer(BpfMapInfo.TYPE.end());
        bpf.objInfo(map.fd(), info, info.size());
        int type = info.view().getInt(BpfMapInfo.TYPE.offset());
        int slots = type == MAP_PERCPU_HASH || type == MAP_LRU_PERCPU_HASH ? (int) PerCpu.valueBytes(8) / 8 : 1;
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
            bpf.call(Command.MAP_UPDATE_BATCH, a -> a.putPointer(BpfAttr.MapBatch.KEYS, keys)
                    .putPointer(BpfAttr.MapBatch.VALUES, values).put(BpfAttr.MapBatch.COUNT, count)
                    .put(BpfAttr.MapBatch.MAP_FD, map.fd()));
        }
    }

    /**
     * A struct_ops map (one entry) whose value is the vmlinux struct {@code valueTypeId} of
     * {@code valueSize} bytes; {@code flags} BPF_F_LINK leaves registration to a link. MAP_CREATE also
     * insists on some valid user BTF ({@code btf}, e.g. {@link #tinyBtf()}), though it uses vmlinux's.
     */
    public Made structOpsMap(int valueTypeId, int valueSize, int flags, Made btf, String name) {
        return map(MAP_STRUCT_OPS, 4, valueSize, 1, flags, name, a -> a.put(BpfAttr.MapCreate.BTF_FD, btf.fd())
                .put(BpfAttr.MapCreate.BTF_VMLINUX_VALUE_TYPE_ID, valueTypeId));
    }

    /** Pins {@code made} at {@code path} in a bpffs mount (BPF_OBJ_PIN); removing the file unpins it. */
    public void pin(Made made, String path) {
        pin(made, path.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #pin(Made, String)}, at a path given as bytes (without the NUL). */
    public void pin(Made made, byte[] path) {
        NativeBuffer name = NativeBuffer.of(java.util.Arrays.copyOf(path, path.length + 1));
        bpf.call(Command.OBJ_PIN, a -> a.putPointer(BpfAttr.ObjPath.PATHNAME, name).put(BpfAttr.ObjPath.BPF_FD, made.fd()));
    }

    /** BPF_MAP_UPDATE_ELEM of one key and its value. */
    public void update(Made map, byte[] key, byte[] value) {
        bpf.call(Command.MAP_UPDATE_ELEM, a -> a.put(BpfAttr.MapElem.MAP_FD, map.fd())
                .putPointer(BpfAttr.MapElem.KEY, NativeBuffer.of(key)).putPointer(BpfAttr.MapElem.VALUE, NativeBuffer.of(value)));
    }

    /** Deletes key {@code key} (u32); returns false when it was not there. */
    public boolean delete(Made map, int key) {
        NativeBuffer k = new NativeBuffer(4);
        k.view().putInt(0, key);
        try {
            bpf.call(Command.MAP_DELETE_ELEM, a -> a.put(BpfAttr.MapElem.MAP_FD, map.fd()).putPointer(BpfAttr.MapElem.KEY, k));
            return true;
        } catch (BpfException e) {
            return false;
        }
    }

    /** Freezes a map against writes from user space (BPF_MAP_FREEZE). */
    public void freeze(Made map) {
        bpf.call(Command.MAP_FREEZE, a -> a.put(BpfAttr.MapElem.MAP_FD, map.fd()));
    }

    /**
     * BPF_LINK_CREATE of {@code program} on {@code target} (an fd or an ifindex) with {@code attachType};
     * {@code extra} fills the attach kind's member of {@code link_create}.
     */
    public Made link(Made program, int target, int attachType, Consumer<Attr> extra) {
        return own(bpf.linkCreate(program.fd(), target, attachType, extra));
    }

    /**
     * BPF_RAW_TRACEPOINT_OPEN of a raw_tracepoint program on {@code tracepoint}, or with null, of a
     * tracing or LSM program on the target it was loaded for.
     */
    public Made rawTracepoint(Made program, String tracepoint) {
        NativeBuffer name = tracepoint == null ? null : NativeBuffer.of((tracepoint + "\0").getBytes(StandardCharsets.US_ASCII));
        return own(bpf.call(Command.RAW_TRACEPOINT_OPEN, a -> a.putPointer(BpfAttr.RawTracepointOpen.NAME, name)
                .put(BpfAttr.RawTracepointOpen.PROG_FD, program.fd())));
    }

    /** Adopts an fd made elsewhere (a perf event, a directory) so that {@link #close()} closes it. */
    public int adopt(int fd) {
        fds.add(fd);
        return fd;
    }

    /** Closes one object early, as a churn or vanishing test needs. */
    public void close(Made made) {
        if (fds.remove((Integer) made.fd())) {
            Bpf.close(made.fd());
        }
    }

    @Override
    public void close() {
        fds.forEach(Bpf::close);
        fds.clear();
    }

    /** Takes ownership of a program's, map's or link's {@code fd} and reads its id. */
    private Made own(int fd) {
        fds.add(fd);
        return new Made(fd, bpf.idOf(fd));
    }
}
