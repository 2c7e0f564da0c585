package io.ebpfexporter.testkit;

import com.sun.jna.Memory;
import io.ebpfexporter.core.bpf.BpfAttr.LinkCreate;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.btf.KernelBtf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recipes for a real link of each type this kernel can make (kernel-notes §4), on fixtures that clean up. */
public final class LinkRecipes {
    static final int PROG_KPROBE = 2;
    static final int PROG_SCHED_CLS = 3;
    static final int PROG_TRACEPOINT = 5;
    static final int PROG_XDP = 6;
    static final int PROG_CGROUP_SKB = 8;
    static final int PROG_SK_SKB = 14;
    public static final int PROG_RAW_TRACEPOINT = 17;
    static final int PROG_FLOW_DISSECTOR = 22;
    static final int PROG_TRACING = 26;
    static final int PROG_LSM = 29;
    static final int PROG_STRUCT_OPS = 27;
    static final int PROG_SK_LOOKUP = 30;
    static final int PROG_NETFILTER = 32;
    static final int BPF_F_LINK = 1 << 13;
    static final int MAP_SOCKMAP = 15;

    static final int ATTACH_CGROUP_INET_INGRESS = 0;
    static final int ATTACH_FLOW_DISSECTOR = 17;
    public static final int ATTACH_TRACE_FENTRY = 24;
    public static final int ATTACH_TRACE_FEXIT = 25;
    public static final int ATTACH_MODIFY_RETURN = 26;
    public static final int ATTACH_LSM_MAC = 27;
    static final int ATTACH_TRACE_ITER = 28;
    static final int ATTACH_SK_LOOKUP = 36;
    static final int ATTACH_XDP = 37;
    static final int ATTACH_SK_SKB_VERDICT = 38;
    static final int ATTACH_PERF_EVENT = 41;
    static final int ATTACH_STRUCT_OPS = 44;
    static final int ATTACH_NETFILTER = 45;
    static final int ATTACH_TCX_INGRESS = 46;
    static final int ATTACH_NETKIT_PRIMARY = 54;
    static final int ATTACH_NETKIT_PEER = 55;
    static final int ATTACH_UPROBE_MULTI = 48;
    static final int ATTACH_TRACE_KPROBE_MULTI = 42;

    public static final long UPROBE_OFFSET = 0x1040;
    /** A netfilter priority of this process's own on LOCAL_IN: another BPF hook at the same one refuses ours (EBUSY). */
    public static final int NETFILTER_PRIORITY = -(1000 + (int) (ProcessHandle.current().pid() % 30000));

    private final Fixtures fx;
    private final HostSetup host;

    public LinkRecipes(Fixtures fx, HostSetup host) {
        this.fx = fx;
        this.host = host;
    }

    public Fixtures.Made rawTracepoint() {
        return fx.rawTracepoint(fx.program(PROG_RAW_TRACEPOINT, "lk_rawtp"), "sched_process_exec");
    }

    public Fixtures.Made cgroup(Path cgroup) {
        return cgroup(fx.adopt(Libc.openOrFail(cgroup.toString(), Libc.O_RDONLY | Libc.O_DIRECTORY)));
    }

    /** A cgroup_skb ingress program linked to the cgroup whose directory is open as {@code dirFd}. */
    public Fixtures.Made cgroup(int dirFd) {
        var prog = fx.program(PROG_CGROUP_SKB, "lk_cgroup", ATTACH_CGROUP_INET_INGRESS, 1);
        return fx.link(prog, dirFd, ATTACH_CGROUP_INET_INGRESS, a -> { });
    }

    public Fixtures.Made iter() {
        int func = KernelBtf.vmlinux().find(KernelBtf.KIND_FUNC, "bpf_iter_bpf_map").orElseThrow();
        var prog = fx.program(PROG_TRACING, "lk_iter", ATTACH_TRACE_ITER, 0, func);
        return fx.link(prog, 0, ATTACH_TRACE_ITER, a -> { });
    }

    /**
     * A TCP congestion control named {@code name} registered by a struct_ops link: programs for the three
     * members the kernel requires (ssthresh, cong_avoid, undo_cwnd; each returns 2), a
     * {@code tcp_congestion_ops} struct_ops map created with BPF_F_LINK and filled with their fds and the
     * name, then BPF_LINK_CREATE on the map. Offsets and sizes come from vmlinux BTF; a member's index
     * (the programs' expected_attach_type) is its offset / 8, as the members before these are all
     * function pointers.
     */
    public StructOps structOps(String name) {
        KernelBtf btf = KernelBtf.vmlinux();
        int ops = btf.find(KernelBtf.KIND_STRUCT, "tcp_congestion_ops").orElseThrow();
        int value = btf.find(KernelBtf.KIND_STRUCT, "bpf_struct_ops_tcp_congestion_ops").orElseThrow();
        int data = btf.memberOffset("bpf_struct_ops_tcp_congestion_ops", "data").orElseThrow();
        ByteBuffer v = ByteBuffer.allocate((int) btf.size(value)).order(ByteOrder.nativeOrder());
        for (String member : new String[] {"ssthresh", "cong_avoid", "undo_cwnd"}) {
            int offset = btf.memberOffset("tcp_congestion_ops", member).orElseThrow();
            var prog = fx.program(PROG_STRUCT_OPS, "lk_" + member, offset / 8, 2, ops);
            v.putLong(data + offset, prog.fd());
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        v.put(data + btf.memberOffset("tcp_congestion_ops", "name").orElseThrow(), nameBytes);
        var map = fx.structOpsMap(value, v.capacity(), BPF_F_LINK, fx.tinyBtf(), "lk_ca");
        fx.update(map, new byte[4], v.array());
        return new StructOps(fx.link(map, 0, ATTACH_STRUCT_OPS, a -> { }), map);
    }

    /** A struct_ops link and the map it registered (Debian's bpftool does not show a link's map_id). */
    public record StructOps(Fixtures.Made link, Fixtures.Made map) {
    }

    public Fixtures.Made flowDissector(String netnsPath) {
        return netnsLink(netnsPath, fx.program(PROG_FLOW_DISSECTOR, "lk_flow", ATTACH_FLOW_DISSECTOR, 0), ATTACH_FLOW_DISSECTOR);
    }

    /** An sk_lookup program (it returns SK_PASS) linked to the network namespace at {@code netnsPath}. */
    public Fixtures.Made skLookup(String netnsPath) {
        return netnsLink(netnsPath, fx.program(PROG_SK_LOOKUP, "lk_sk_lookup", ATTACH_SK_LOOKUP, 1), ATTACH_SK_LOOKUP);
    }

    private Fixtures.Made netnsLink(String netnsPath, Fixtures.Made prog, int attachType) {
        return fx.link(prog, fx.adopt(Libc.openOrFail(netnsPath, Libc.O_RDONLY)), attachType, a -> { });
    }

    public Fixtures.Made xdp(int ifindex) {
        return fx.link(fx.program(PROG_XDP, "lk_xdp", ATTACH_XDP, 2), ifindex, ATTACH_XDP, a -> { });
    }

    public Fixtures.Made tcx(int ifindex) {
        return fx.link(fx.program(PROG_SCHED_CLS, "lk_tcx", 0, -1), ifindex, ATTACH_TCX_INGRESS, a -> { });
    }

    /** A netkit link on the primary device {@code ifindex}, for the primary's side or its peer's. */
    public Fixtures.Made netkit(int ifindex, boolean peer) {
        return fx.link(fx.program(PROG_SCHED_CLS, "lk_netkit", 0, -1), ifindex,
                peer ? ATTACH_NETKIT_PEER : ATTACH_NETKIT_PRIMARY, a -> { });
    }

    public Fixtures.Made netfilter() {
        var prog = fx.program(PROG_NETFILTER, "lk_nf", ATTACH_NETFILTER, 1);
        return fx.link(prog, 0, ATTACH_NETFILTER, a -> a.put(LinkCreate.NETFILTER_PF, 2).put(LinkCreate.NETFILTER_HOOKNUM, 1)
                .put(LinkCreate.NETFILTER_PRIORITY, NETFILTER_PRIORITY));
    }

    public Fixtures.Made sockmap(Fixtures.Made sockmap) {
        var prog = fx.program(PROG_SK_SKB, "lk_sockmap", ATTACH_SK_SKB_VERDICT, 1);
        return fx.link(prog, sockmap.fd(), ATTACH_SK_SKB_VERDICT, a -> { });
    }

    /** A tracepoint perf event on sys_enter_getppid, CPU 0, with a program attached through a link. */
    public Fixtures.Made tracepointPerfEvent() throws IOException {
        return fx.link(fx.program(PROG_TRACEPOINT, "lk_tp"), tracepointEvent(), ATTACH_PERF_EVENT,
                a -> a.put(LinkCreate.PERF_EVENT_BPF_COOKIE, 0x1234));
    }

    /** A perf_event link of {@code program} on the perf event {@code event}. */
    public Fixtures.Made perfEventLink(Fixtures.Made program, int event) {
        return fx.link(program, event, ATTACH_PERF_EVENT, a -> { });
    }

    /** The fd of a tracepoint perf event on sys_enter_getppid (tracefs's id for it), CPU 0, no program yet. */
    public int tracepointEvent() throws IOException {
        Path id = host.tracefs().resolve("events/syscalls/sys_enter_getppid/id");
        Memory attr = perfAttr(2 /* PERF_TYPE_TRACEPOINT */, Long.parseLong(Files.readString(id).trim()));
        attr.setLong(16, 1); // sample_period
        return fx.adopt(Libc.perfEventOpen(attr, -1, 0));
    }

    /** A uprobe perf event on the test's own copy of a binary, which no process runs. */
    public Fixtures.Made uprobePerfEvent(Path target) throws IOException {
        return perfEventLink(fx.program(PROG_KPROBE, "lk_uprobe"), uprobeEvent(target));
    }

    /** The fd of a uprobe perf event (the uprobe PMU) at {@link #UPROBE_OFFSET} of {@code target}, no program yet. */
    public int uprobeEvent(Path target) throws IOException {
        int type = Integer.parseInt(Files.readString(Path.of("/sys/bus/event_source/devices/uprobe/type")).trim());
        Memory path = new Memory(target.toString().length() + 1L);
        path.setString(0, target.toString(), StandardCharsets.US_ASCII.name());
        Memory attr = perfAttr(type, 0);
        attr.setLong(56, com.sun.jna.Pointer.nativeValue(path)); // config1: path
        attr.setLong(64, UPROBE_OFFSET);                        // config2: file offset
        int event = fx.adopt(Libc.perfEventOpen(attr, 0, -1));
        java.lang.ref.Reference.reachabilityFence(path);
        return event;
    }

    public Fixtures.Made uprobeMulti(Path target, int pid) {
        return uprobeMulti(target.toString().getBytes(StandardCharsets.US_ASCII), pid);
    }

    /** A uprobe_multi link on the binary at {@code target}, a path given as bytes (without the NUL). */
    public Fixtures.Made uprobeMulti(byte[] target, int pid) {
        var prog = fx.program(PROG_KPROBE, "lk_umulti", ATTACH_UPROBE_MULTI, 0);
        NativeBuffer path = NativeBuffer.of(java.util.Arrays.copyOf(target, target.length + 1));
        NativeBuffer offsets = new NativeBuffer(8);
        offsets.view().putLong(0, UPROBE_OFFSET);
        return fx.link(prog, 0, ATTACH_UPROBE_MULTI,
                a -> a.putPointer(LinkCreate.UPROBE_MULTI_PATH, path).putPointer(LinkCreate.UPROBE_MULTI_OFFSETS, offsets)
                        .put(LinkCreate.UPROBE_MULTI_CNT, 1).put(LinkCreate.UPROBE_MULTI_PID, pid));
    }

    /**
     * A tracing link (fentry, fexit, fmod_ret) or an LSM link on the vmlinux function {@code function}
     * ({@code bpf_lsm_<hook>} for LSM), whose program returns 0, attached by BPF_RAW_TRACEPOINT_OPEN
     * without a name, which makes a tracing link on every kernel since 5.5 (BPF_LINK_CREATE took over later).
     */
    public Fixtures.Made tracing(int attachType, String function) {
        int func = KernelBtf.vmlinux().find(KernelBtf.KIND_FUNC, function).orElseThrow();
        int type = attachType == ATTACH_LSM_MAC ? PROG_LSM : PROG_TRACING;
        return fx.rawTracepoint(fx.program(type, "lk_trace", attachType, 0, func), null);
    }

    /** A kprobe (or, with {@code retprobe}, kretprobe) perf event on {@code function}, with a program attached by a link. */
    public Fixtures.Made kprobePerfEvent(String function, boolean retprobe) throws IOException {
        return perfEventLink(fx.program(PROG_KPROBE, "lk_kprobe"), kprobeEvent(function, retprobe));
    }

    /** The fd of a kprobe (or kretprobe) perf event (the kprobe PMU) on {@code function}, no program yet. */
    public int kprobeEvent(String function, boolean retprobe) throws IOException {
        int type = Integer.parseInt(Files.readString(Path.of("/sys/bus/event_source/devices/kprobe/type")).trim());
        Memory name = new Memory(function.length() + 1L);
        name.setString(0, function, StandardCharsets.US_ASCII.name());
        Memory attr = perfAttr(type, retprobe ? 1 : 0);       // config bit 0: retprobe
        attr.setLong(56, com.sun.jna.Pointer.nativeValue(name)); // config1: kprobe_func
        attr.setLong(64, 0);                                   // config2: probe_offset
        int event = fx.adopt(Libc.perfEventOpen(attr, -1, 0));
        java.lang.ref.Reference.reachabilityFence(name);
        return event;
    }

    /** A kprobe_multi link on the one function {@code function}. */
    public Fixtures.Made kprobeMulti(String function) {
        var prog = fx.program(PROG_KPROBE, "lk_kmulti", ATTACH_TRACE_KPROBE_MULTI, 0);
        NativeBuffer name = NativeBuffer.of((function + "\0").getBytes(StandardCharsets.US_ASCII));
        NativeBuffer syms = new NativeBuffer(8);
        syms.view().putLong(0, name.address());
        Fixtures.Made link = fx.link(prog, 0, ATTACH_TRACE_KPROBE_MULTI, a -> a.put(LinkCreate.KPROBE_MULTI_CNT, 1)
                .putPointer(LinkCreate.KPROBE_MULTI_SYMS, syms));
        java.lang.ref.Reference.reachabilityFence(name); // the kernel reached it only through syms
        return link;
    }

    private static Memory perfAttr(int type, long config) {
        Memory attr = new Memory(128);
        attr.clear();
        attr.setInt(0, type);
        attr.setInt(4, 128); // size
        attr.setLong(8, config);
        return attr;
    }

    public Fixtures.Made sockmapMap() {
        return fx.map(MAP_SOCKMAP, 4, 4, 1, 0, "lk_sockmap");
    }
}
