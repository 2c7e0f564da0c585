package io.ebpfexporter.core.iter;

import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.BpfLinkInfo;
import io.ebpfexporter.core.bpf.BpfMapInfo;
import io.ebpfexporter.core.bpf.BpfProgInfo;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.iter.ListingRecords.LinkRecord;
import io.ebpfexporter.core.iter.ListingRecords.MapRecord;
import io.ebpfexporter.core.iter.ListingRecords.ProgramRecord;
import io.ebpfexporter.core.iter.RecordLayout.Slot;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Programs, maps and links listed by BPF iterators ({@code iter/bpf_prog}, {@code iter/bpf_map},
 * {@code iter/bpf_link}), which need CAP_BPF and CAP_PERFMON but not CAP_SYS_ADMIN: the source for
 * reduced privileges. Each program is assembled from this kernel's BTF ({@link RecordProgram}), loaded at
 * its first listing and kept until {@link #close}; a walk's listing reads it once and every reader of that
 * walk reads the records. The info structs are filled from the records with the fields an iterator can
 * read; the rest (run statistics, link details, map memlock) are left out, and there are no BTF objects
 * and no fds. So an object's record is all this source reports of it ({@link Reader#record}).
 */
public final class IteratedObjects implements ObjectSource {
    private static final byte[] FROZEN = "frozen:\t1\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_FROZEN = "frozen:\t0\n".getBytes(StandardCharsets.US_ASCII);

    /** What one kind's iterator needs: its program, target and record size, and what it leaves out. */
    private record Plan(byte[] program, int iterFunc, int recordSize, Set<Field> unreported, List<String> missing) {
    }

    private final Map<ObjectKind<?>, Plan> plans = new LinkedHashMap<>();
    private final Map<ObjectKind<?>, String> unavailable = new LinkedHashMap<>();
    private final Map<ObjectKind<?>, Listing> latest = new ConcurrentHashMap<>();
    private final Map<ObjectKind<?>, IterProgram> loaded = new ConcurrentHashMap<>();
    private final long pageSize;

    private IteratedObjects(KernelBtf btf, long pageSize) {
        this.pageSize = pageSize;
        plan(btf, ObjectKind.PROGRAMS, "bpf_prog", this::programPlan);
        plan(btf, ObjectKind.MAPS, "bpf_map", this::mapPlan);
        plan(btf, ObjectKind.LINKS, "bpf_link", this::linkPlan);
        unavailable.put(ObjectKind.BTFS, "no iterator lists them");
    }

    /** The iterators of this kernel, from its BTF; an {@link IllegalStateException} names what it lacks. */
    public static IteratedObjects forThisKernel() {
        KernelBtf btf;
        try {
            btf = KernelBtf.vmlinux();
        } catch (RuntimeException e) {
            throw new IllegalStateException("no kernel BTF (" + e.getMessage() + ")");
        }
        return new IteratedObjects(btf, pageSize(Host.LIVE));
    }

    /** Kinds this kernel cannot list through iterators, with the reason. */
    public Map<ObjectKind<?>, String> unavailable() {
        return Map.copyOf(unavailable);
    }

    /** Per kind listed, the struct members this kernel lacks (their series are absent). */
    public Map<ObjectKind<?>, List<String>> missingMembers() {
        Map<ObjectKind<?>, List<String>> out = new LinkedHashMap<>();
        plans.forEach((kind, plan) -> {
            if (!plan.missing().isEmpty()) {
                out.put(kind, plan.missing());
            }
        });
        return out;
    }

    /** Loads and runs every kind's iterator once: what the kernel refuses, by kind (empty when all work). */
    public Map<ObjectKind<?>, String> check() {
        Map<ObjectKind<?>, String> refused = new LinkedHashMap<>();
        plans.forEach((kind, plan) -> {
            try {
                refresh(kind);
            } catch (BpfException e) {
                refused.put(kind, "the kernel refused its iterator: " + e.getMessage());
                unload(kind); // loaded, then its read refused
            }
        });
        refused.keySet().forEach(plans::remove);
        unavailable.putAll(refused);
        return refused;
    }

    /** Makes a kind's plan from the iterator context {func id, meta, object, seq}; null when a required member is missing. */
    private interface Planner {
        Plan plan(KernelBtf btf, int[] context);
    }

    private void plan(KernelBtf btf, ObjectKind<?> kind, String struct, Planner planner) {
        String ctx = "bpf_iter__" + struct;
        Target target = new Target(btf.find(KernelBtf.KIND_FUNC, "bpf_iter_" + struct),
                btf.memberOffset(ctx, "meta"), btf.memberOffset(ctx, struct.substring(4)), btf.memberOffset("bpf_iter_meta", "seq"));
        if (!target.present()) {
            unavailable.put(kind, "this kernel has no iter/" + struct);
            return;
        }
        Plan plan = planner.plan(btf, target.values());
        if (plan == null) {
            unavailable.put(kind, "this kernel's " + struct + " lacks a member the iterator needs");
        } else {
            plans.put(kind, plan);
        }
    }

    /** The iterator target's FUNC id, and the context's meta and object offsets and bpf_iter_meta.seq. */
    private record Target(java.util.OptionalInt func, java.util.OptionalInt meta, java.util.OptionalInt object,
                                   java.util.OptionalInt seq) {
        boolean present() {
            return func.isPresent() && meta.isPresent() && object.isPresent() && seq.isPresent();
        }

        int[] values() {
            return new int[] {func.getAsInt(), meta.getAsInt(), object.getAsInt(), seq.getAsInt()};
        }
    }

    /** The programs' plan ({@link ProgramRecord}). */
    private Plan programPlan(KernelBtf btf, int[] ctx) {
        RecordProgram p = new RecordProgram(btf, "bpf_prog", ProgramRecord.LAYOUT);
        boolean required = p.read(ProgramRecord.ID) & p.read(ProgramRecord.TYPE) & p.read(ProgramRecord.LEN)
                & p.read(ProgramRecord.JITED_LEN) & p.read(ProgramRecord.TAG) & p.read(ProgramRecord.NAME)
                & p.read(ProgramRecord.LOAD_TIME);
        Set<Field> unreported = new HashSet<>(Set.of(BpfProgInfo.RUN_TIME_NS, BpfProgInfo.RUN_CNT, BpfProgInfo.RECURSION_MISSES));
        if (!p.read(ProgramRecord.VERIFIED_INSNS)) {
            unreported.add(BpfProgInfo.VERIFIED_INSNS);
        }
        p.read(ProgramRecord.PAGES);
        if (!p.read(ProgramRecord.UID)) {
            unreported.add(BpfProgInfo.CREATED_BY_UID);
        }
        if (!p.read(ProgramRecord.BTF_ID)) {
            unreported.add(BpfProgInfo.BTF_ID);
        }
        if (p.read(ProgramRecord.USED_MAP_CNT)) {
            p.ids(ProgramRecord.MAP_IDS, "bpf_map", "id", ProgramRecord.USED_MAP_CNT);
        }
        return required ? plan(p, ctx, ProgramRecord.LAYOUT, Set.copyOf(unreported)) : null;
    }

    /** The maps' plan ({@link MapRecord}). */
    private Plan mapPlan(KernelBtf btf, int[] ctx) {
        RecordProgram p = new RecordProgram(btf, "bpf_map", MapRecord.LAYOUT);
        boolean required = p.read(MapRecord.ID) & p.read(MapRecord.TYPE) & p.read(MapRecord.KEY_SIZE)
                & p.read(MapRecord.VALUE_SIZE) & p.read(MapRecord.MAX_ENTRIES) & p.read(MapRecord.FLAGS)
                & p.read(MapRecord.NAME);
        p.read(MapRecord.FROZEN);
        Set<Field> unreported = p.read(MapRecord.VMLINUX_VALUE_TYPE_ID) ? Set.of() : Set.of(BpfMapInfo.BTF_VMLINUX_VALUE_TYPE_ID);
        return required ? plan(p, ctx, MapRecord.LAYOUT, unreported) : null;
    }

    /** The links' plan ({@link LinkRecord}). */
    private Plan linkPlan(KernelBtf btf, int[] ctx) {
        RecordProgram p = new RecordProgram(btf, "bpf_link", LinkRecord.LAYOUT);
        boolean required = p.read(LinkRecord.ID) & p.read(LinkRecord.TYPE);
        Set<Field> unreported = p.read(LinkRecord.PROG_ID) ? Set.of() : Set.of(BpfLinkInfo.PROG_ID);
        return required ? plan(p, ctx, LinkRecord.LAYOUT, unreported) : null;
    }

    private static Plan plan(RecordProgram p, int[] ctx, RecordLayout layout, Set<Field> unreported) {
        return new Plan(p.assemble(ctx[1], ctx[2], ctx[3]), ctx[0], layout.size(), unreported, p.missing());
    }

    /**
     * Runs {@code kind}'s iterator and keeps its records, for the walk that listed them; records the same
     * as the latest listing's give that listing itself (see {@link Reader#listing}). A kept program
     * stays loaded after a failed read: the next scrape reads it again, and no concurrent reader's link
     * can be closed under it.
     */
    private Listing refresh(ObjectKind<?> kind) {
        Plan plan = plans.get(kind);
        Listing listing = Listing.EMPTY;
        if (plan != null) {
            IterProgram program = loaded.computeIfAbsent(kind,
                    k -> IterProgram.kept(plan.program(), "ebpf_exp_list", plan.iterFunc()));
            ByteBuffer records = program.read();
            Listing last = latest(kind);
            listing = last.records().equals(records) ? last : Listing.of(records, plan.recordSize());
        }
        latest.put(kind, listing);
        return listing;
    }

    /** Unloads the kept iterator programs; for a server that stops. */
    @Override
    public void close() {
        List.copyOf(loaded.keySet()).forEach(this::unload);
    }

    private void unload(ObjectKind<?> kind) {
        IterProgram program = loaded.remove(kind);
        if (program != null) {
            program.close();
        }
    }

    /**
     * One run's records, sorted by id (the iterators walk the kernel's id tables in order, so sorting
     * only checks): record i is the {@code size} bytes at {@code i * size}, with {@code ids[i]}.
     */
    private record Listing(int[] ids, ByteBuffer records, int size) {
        static final Listing EMPTY = new Listing(new int[0], ByteBuffer.allocate(0), 1);

        static Listing of(ByteBuffer records, int size) {
            int count = records.limit() / size;
            int[] ids = new int[count];
            boolean sorted = true;
            for (int i = 0; i < count; i++) {
                ids[i] = records.getInt(i * size); // the id starts every record (ListingRecords)
                sorted &= i == 0 || Integer.compareUnsigned(ids[i - 1], ids[i]) < 0;
            }
            return sorted ? new Listing(ids, records, size) : sortedCopy(ids, records, size);
        }

        private static Listing sortedCopy(int[] ids, ByteBuffer records, int size) {
            Integer[] order = new Integer[ids.length];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (a, b) -> Integer.compareUnsigned(ids[a], ids[b]));
            ByteBuffer sorted = ByteBuffer.allocate(records.limit()).order(ByteOrder.nativeOrder());
            int[] sortedIds = new int[ids.length];
            for (int i = 0; i < order.length; i++) {
                sortedIds[i] = ids[order[i]];
                sorted.put(records.slice(order[i] * size, size));
            }
            return new Listing(sortedIds, sorted.flip(), size);
        }

        /**
         * The index of the first id above {@code after} ({@code ids.length} when none); {@code hint}: where
         * a walk in order expects it, checked before searching.
         */
        int indexAfter(int after, int hint) {
            if (hint <= ids.length && (hint == 0 ? after == 0 : ids[hint - 1] == after)) {
                return hint;
            }
            int lo = 0;
            int hi = ids.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (Integer.compareUnsigned(ids[mid], after) <= 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** The record of {@code id}, or null; {@code hint}: the index where a walk in order expects it. */
        ByteBuffer record(int id, int hint) {
            int at = hint >= 0 && hint < ids.length && ids[hint] == id ? hint
                    : Arrays.binarySearch(ids, id); // ids below 2^31: signed order is unsigned order
            return at < 0 || ids[at] != id ? null : records.slice(at * size, size).order(ByteOrder.nativeOrder());
        }
    }

    private static long pageSize(Host host) {
        try {
            for (String line : Files.readAllLines(host.path("/proc/self/smaps"))) {
                if (line.startsWith("KernelPageSize:")) {
                    return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the usual page size below
        }
        return 4096;
    }

    private boolean missing(ObjectKind<?> kind, Slot member) {
        Plan plan = plans.get(kind);
        return plan == null || plan.missing().contains(member.name());
    }

    /** A record's field into the info struct's field of the same width. */
    private static void copy(ByteBuffer record, Slot from, ByteBuffer info, Field to) {
        info.put(to.offset(), record, from.offset(), from.size());
    }

    @Override
    public Reader reader() {
        return new IteratorReader();
    }

    private Listing latest(ObjectKind<?> kind) {
        return latest.getOrDefault(kind, Listing.EMPTY);
    }

    /** An open object: its kind and its record. */
    private record Open(ObjectKind<?> kind, ByteBuffer record) {
    }

    /** One walk's reads: the records of the kind's last listing, a handle per open object. */
    private final class IteratorReader implements Reader {
        private final Map<Integer, Open> open = new HashMap<>();
        private int nextHandle = 1;
        /** The listing this reader's walk made, of {@code listedKind}, and where its {@link #nextId} left off. */
        private Listing listing;
        private ObjectKind<?> listedKind;
        private int listed;

        /** The walk's own listing; a reader thread that lists nothing reads the latest. */
        private Listing current(ObjectKind<?> kind) {
            return kind == listedKind ? listing : latest(kind);
        }

        @Override
        public int nextId(ObjectKind<?> kind, int after) {
            if (after == 0) {
                listing = refresh(kind);
                listedKind = kind;
            }
            Listing current = current(kind);
            listed = current.indexAfter(after, after == 0 ? 0 : listed + 1);
            return listed < current.ids().length ? current.ids()[listed] : 0;
        }

        @Override
        public ByteBuffer record(ObjectKind<?> kind, int id) {
            return current(kind).record(id, listed);
        }

        @Override
        public Object listing(ObjectKind<?> kind) {
            return kind == listedKind ? listing : null;
        }

        @Override
        public int open(ObjectKind<?> kind, int id) {
            ByteBuffer record = current(kind).record(id, listed);
            if (record == null) {
                throw new BpfException("iterator record", Errno.ENOENT);
            }
            open.put(nextHandle, new Open(kind, record));
            return nextHandle++;
        }

        @Override
        public int info(ObjectKind<?> kind, int handle, NativeBuffer info, NativeBuffer side) {
            ByteBuffer r = open.get(handle).record();
            ByteBuffer out = info.view();
            if (kind == ObjectKind.PROGRAMS) {
                copy(r, ProgramRecord.ID, out, BpfProgInfo.ID);
                copy(r, ProgramRecord.TYPE, out, BpfProgInfo.TYPE);
                out.putInt(BpfProgInfo.XLATED_PROG_LEN.offset(), r.getInt(ProgramRecord.LEN.offset()) * 8);
                copy(r, ProgramRecord.JITED_LEN, out, BpfProgInfo.JITED_PROG_LEN);
                copy(r, ProgramRecord.VERIFIED_INSNS, out, BpfProgInfo.VERIFIED_INSNS);
                copy(r, ProgramRecord.UID, out, BpfProgInfo.CREATED_BY_UID);
                int maps = Math.min(ProgramRecord.MAX_MAP_IDS, r.getInt(ProgramRecord.USED_MAP_CNT.offset()));
                out.putInt(BpfProgInfo.NR_MAP_IDS.offset(), maps);
                copy(r, ProgramRecord.BTF_ID, out, BpfProgInfo.BTF_ID);
                copy(r, ProgramRecord.LOAD_TIME, out, BpfProgInfo.LOAD_TIME);
                copy(r, ProgramRecord.TAG, out, BpfProgInfo.TAG);
                copy(r, ProgramRecord.NAME, out, BpfProgInfo.NAME);
                side.view().put(0, r, ProgramRecord.MAP_IDS.offset(), Math.min(side.size(), 4 * maps));
                return BpfProgInfo.SIZE;
            }
            if (kind == ObjectKind.MAPS) {
                copy(r, MapRecord.ID, out, BpfMapInfo.ID);
                copy(r, MapRecord.TYPE, out, BpfMapInfo.TYPE);
                copy(r, MapRecord.KEY_SIZE, out, BpfMapInfo.KEY_SIZE);
                copy(r, MapRecord.VALUE_SIZE, out, BpfMapInfo.VALUE_SIZE);
                copy(r, MapRecord.MAX_ENTRIES, out, BpfMapInfo.MAX_ENTRIES);
                copy(r, MapRecord.FLAGS, out, BpfMapInfo.MAP_FLAGS);
                copy(r, MapRecord.NAME, out, BpfMapInfo.NAME);
                copy(r, MapRecord.VMLINUX_VALUE_TYPE_ID, out, BpfMapInfo.BTF_VMLINUX_VALUE_TYPE_ID);
                return BpfMapInfo.SIZE;
            }
            copy(r, LinkRecord.ID, out, BpfLinkInfo.ID);
            copy(r, LinkRecord.TYPE, out, BpfLinkInfo.TYPE);
            copy(r, LinkRecord.PROG_ID, out, BpfLinkInfo.PROG_ID);
            return BpfLinkInfo.UNION; // the header only: link details are not read
        }

        @Override
        public Set<Field> unreported(ObjectKind<?> kind) {
            Plan plan = plans.get(kind);
            return plan == null ? Set.of() : plan.unreported();
        }

        @Override
        public byte[] fdinfo(int handle) {
            Open o = open.get(handle);
            ByteBuffer r = o.record();
            if (o.kind() == ObjectKind.PROGRAMS && !missing(ObjectKind.PROGRAMS, ProgramRecord.PAGES)) {
                long pages = Integer.toUnsignedLong(r.getInt(ProgramRecord.PAGES.offset()));
                String memlock = "memlock:\t" + pages * pageSize + "\n"; // fdinfo's pages << PAGE_SHIFT
                return memlock.getBytes(StandardCharsets.US_ASCII);
            }
            if (o.kind() == ObjectKind.MAPS && !missing(ObjectKind.MAPS, MapRecord.FROZEN)) {
                return r.get(MapRecord.FROZEN.offset()) != 0 ? FROZEN : NOT_FROZEN;
            }
            return new byte[0];
        }

        @Override
        public byte[] pointed(int handle, Field pointer, Field length, int size) {
            return new byte[0];
        }

        @Override
        public int fd(int handle) {
            return -1;
        }

        @Override
        public void close(int handle) {
            open.remove(handle);
        }
    }
}
