package io.ebpfexporter.core.walk;

import io.ebpfexporter.core.bpf.BpfBtfInfo;
import io.ebpfexporter.core.bpf.BpfLinkInfo;
import io.ebpfexporter.core.bpf.BpfMapInfo;
import io.ebpfexporter.core.bpf.BpfProgInfo;
import io.ebpfexporter.core.bpf.Command;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.info.BtfInfo;
import io.ebpfexporter.core.info.LinkInfo;
import io.ebpfexporter.core.info.MapInfo;
import io.ebpfexporter.core.info.ProgInfo;
import io.ebpfexporter.core.kernel.KernelLimits;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** One kind of kernel object the exporter enumerates: how to list it, open it and decode its info. */
public final class ObjectKind<T> {
    /** BPF_F_RDONLY: the exporter only ever reads maps, and a read-only fd can still be batch-read. */
    private static final int MAP_OPEN_READ_ONLY = 1 << 3;
    /** Module BTF names are at most MODULE_NAME_LEN (56) bytes; a longer name is truncated by the kernel. */
    private static final int BTF_NAME_CAPACITY = 64;

    public static final ObjectKind<ProgInfo> PROGRAMS = new ObjectKind<>("program", "prog_id", "anon_inode:bpf-prog",
            Command.PROG_GET_NEXT_ID, Command.PROG_GET_FD_BY_ID, 0, BpfProgInfo.SIZE,
            ProgInfo.MAX_MAP_IDS * Integer.BYTES, ProgInfo::pointAtMapIds, ProgInfo::decode, "map ids");
    public static final ObjectKind<MapInfo> MAPS = new ObjectKind<>("map", "map_id", "anon_inode:bpf-map",
            Command.MAP_GET_NEXT_ID, Command.MAP_GET_FD_BY_ID, MAP_OPEN_READ_ONLY, BpfMapInfo.SIZE, 0,
            (info, side) -> { }, (info, len, side, unreported) -> MapInfo.decode(info, len, unreported), "");
    public static final ObjectKind<LinkInfo> LINKS = new ObjectKind<>("link", "link_id", "anon_inode:bpf_link",
            Command.LINK_GET_NEXT_ID, Command.LINK_GET_FD_BY_ID, 0, BpfLinkInfo.SIZE, 0,
            (info, side) -> { }, (info, len, side, unreported) -> LinkInfo.decode(info, len), "");
    public static final ObjectKind<BtfInfo> BTFS = new ObjectKind<>("btf", "btf_id", "anon_inode:btf",
            Command.BTF_GET_NEXT_ID, Command.BTF_GET_FD_BY_ID, 0, BpfBtfInfo.SIZE, BTF_NAME_CAPACITY,
            BtfInfo::pointAtName, (info, len, side, unreported) -> BtfInfo.decode(info, len, side), "names (bpf_btf_info.name, Linux 5.11): btf_name and is_kernel are empty");

    public static final List<ObjectKind<?>> ALL = List.of(PROGRAMS, MAPS, LINKS, BTFS);

    /** Points an info struct's user-pointer field at the side buffer before the call. */
    @FunctionalInterface
    interface Preparer {
        void prepare(NativeBuffer info, NativeBuffer side);
    }

    @FunctionalInterface
    interface Decoder<T> {
        /** {@code unreported}: fields within {@code infoLen} the source could not fill (see {@link ObjectSource.Reader}). */
        T decode(ByteBuffer info, int infoLen, ByteBuffer side, java.util.Set<io.ebpfexporter.core.bpf.Field> unreported);
    }

    final String name;
    /** The key fdinfo gives the object's id under, which is also its id label in the exposition. */
    private final String idLabel;
    /** What a /proc fd link of such an object points at: the kernel's name of its anonymous inode. */
    private final String inode;
    final Command nextId;
    final Command fdById;
    final int openFlags;
    final int infoSize;
    final int sideSize;
    final Preparer preparer;
    final Decoder<T> decoder;
    /** What the side buffer brings, named when a kernel too old for it makes the walk ask without. */
    private final String sideBrings;
    private final AtomicBoolean shorterInfoLogged = new AtomicBoolean();

    private ObjectKind(String name, String idLabel, String inode, Command nextId, Command fdById, int openFlags, int infoSize, int sideSize,
                       Preparer preparer, Decoder<T> decoder, String sideBrings) {
        this.name = name;
        this.idLabel = idLabel;
        this.inode = inode;
        this.nextId = nextId;
        this.fdById = fdById;
        this.openFlags = openFlags;
        this.infoSize = infoSize;
        this.sideSize = sideSize;
        this.preparer = preparer;
        this.decoder = decoder;
        this.sideBrings = sideBrings;
    }

    /** The kind whose fds link to {@code target} ({@code anon_inode:bpf-map} and the like), if any. */
    public static Optional<ObjectKind<?>> ofInode(String target) {
        return ALL.stream().filter(kind -> kind.inode.equals(target)).findFirst();
    }

    /** {@code prog_id}, {@code map_id}, {@code link_id} or {@code btf_id}: in fdinfo and in the exposition. */
    public String idLabel() {
        return idLabel;
    }

    /** Logs, once, that this kernel's info struct ends before the side buffer's fields. */
    void shorterInfo() {
        if (shorterInfoLogged.compareAndSet(false, true)) {
            KernelLimits.found(name + " info without " + sideBrings);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
