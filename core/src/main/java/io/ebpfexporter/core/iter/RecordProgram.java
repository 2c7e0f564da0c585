package io.ebpfexporter.core.iter;

import io.ebpfexporter.core.asm.BpfAsm;
import io.ebpfexporter.core.btf.KernelBtf;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An iterator program that copies kernel struct members into one fixed-size record per object and writes
 * it to the seq file: the exporter's way to read objects it may not open (no CAP_SYS_ADMIN). Members are
 * named, as {@code aux->user->uid.val}, and found in the running kernel's BTF (offsets are never
 * hard-coded). Each is read with plain loads through the iterator's BTF-typed object pointer, which the
 * verifier makes fault-safe (a NULL pointer on the way reads 0): with a helper call per member the maps
 * iterator took twice as long on a host with 10,000 maps (about 10 ms against 5). Only the used maps'
 * ids, behind an array of pointers the verifier does not type, are read with
 * {@code bpf_probe_read_kernel}. A member this kernel lacks is left out, and its record bytes read 0.
 */
final class RecordProgram {
    /** Two 8-byte slots under the frame pointer for pointers being followed. */
    private static final int POINTER = -8;
    private static final int ARRAY = -16;
    private static final int LOAD = 0x61; // BPF_LDX | BPF_MEM, with a size code
    private static final int STORE = 0x63; // BPF_STX | BPF_MEM, with a size code
    private static final int DW = 0x18;
    /** BPF size codes of loads and stores of 1, 2, 4 and 8 bytes, less BPF_W (0). */
    private static final int[] SIZE_CODES = {0x10, 0x08, 0x00, DW};

    /** One member read: the offsets from the object (all but the last name a pointer followed), size, record offset. */
    record Read(int[] chain, int size, int at) {
    }

    /** Ids of the structs an array of pointers points at (a program's maps): up to {@code max}, as many as the count at {@code countAt}. */
    record IdArray(int[] arrayChain, int idOffset, int countAt, int at, int max) {
    }

    private final KernelBtf btf;
    private final String objectStruct;
    private final int recordSize;
    private final List<Read> reads = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();
    private IdArray ids;

    /** A program for objects of struct {@code objectStruct} (bpf_prog, bpf_map, bpf_link). */
    RecordProgram(KernelBtf btf, String objectStruct, int recordSize) {
        this.btf = btf;
        this.objectStruct = objectStruct;
        this.recordSize = recordSize;
    }

    /**
     * Copies member {@code path} into {@code size} bytes at record offset {@code at}; false (and the member
     * noted missing) when this kernel has no such member, or one larger than {@code size}.
     */
    boolean read(String path, int size, int at) {
        Optional<Read> read = resolve(path, size, at);
        read.ifPresentOrElse(reads::add, () -> missing.add(path));
        return read.isPresent();
    }

    /** Copies the ids ({@code idMember} of each pointee) of the pointer array {@code arrayPath}, counted by the u32 at {@code countAt}. */
    boolean ids(String arrayPath, String pointeeStruct, String idMember, int countAt, int at, int max) {
        Optional<Read> array = resolve(arrayPath, 8, 0);
        Optional<KernelBtf.Member> id = btf.member(pointeeStruct, idMember);
        if (array.isEmpty() || id.isEmpty() || id.get().size() != 4) {
            missing.add(arrayPath);
            return false;
        }
        ids = new IdArray(array.get().chain(), id.get().offset(), countAt, at, max);
        return true;
    }

    /** The members this kernel lacks, as named. */
    List<String> missing() {
        return List.copyOf(missing);
    }

    /**
     * The offsets to {@code path} from the object and its size, if this kernel has it, it fits {@code max}
     * bytes and a load's offset reaches it.
     */
    private Optional<Read> resolve(String path, int max, int at) {
        String[] hops = path.split("->");
        int[] offsets = new int[hops.length];
        String struct = objectStruct;
        KernelBtf.Member member = null;
        for (int i = 0; i < hops.length; i++) {
            Optional<KernelBtf.Member> found = btf.member(struct, hops[i]);
            if (found.isEmpty() || (i < hops.length - 1 && found.get().pointee().isEmpty())) {
                return Optional.empty();
            }
            member = found.get();
            offsets[i] = member.offset();
            struct = member.pointee();
        }
        boolean loadable = java.util.Arrays.stream(offsets).allMatch(o -> o + max <= Short.MAX_VALUE); // a load's 16-bit offset
        return member.size() > max || !loadable ? Optional.empty() : Optional.of(new Read(offsets, member.size(), at));
    }

    /**
     * The program for iterator context {@code ctxMeta}/{@code ctxObject} offsets and {@code bpf_iter_meta.seq}
     * at {@code metaSeq}. Stack: the two pointer slots, then the record below them.
     */
    byte[] assemble(int ctxMeta, int ctxObject, int metaSeq) {
        int base = ARRAY - (recordSize + 7) / 8 * 8;
        BpfAsm a = new BpfAsm();
        a.op(0x79, 6, 1, ctxMeta, 0);               // r6 = ctx->meta
        a.op(0x79, 7, 1, ctxObject, 0);             // r7 = ctx->object
        a.jump(0x15, 7, 0, 0, "exit");              // none: the end-of-iteration call
        for (int at = base; at < ARRAY; at += 8) {
            a.op(0x7a, 10, 0, at, 0);               // the record starts as zeros
        }
        for (Read r : reads) {
            follow(a, r.chain(), base + r.at(), r.size());
        }
        if (ids != null) {
            follow(a, ids.arrayChain(), ARRAY, 8);  // the array's address
            a.op(0x61, 9, 10, base + ids.countAt(), 0); // r9 = how many
            for (int i = 0; i < ids.max(); i++) {
                a.jump(0xb5, 9, 0, i, "ids_done");  // if r9 <= i
                a.op(0x79, 3, 10, ARRAY, 0).op(0x07, 3, 0, 0, 8 * i);
                a.probeRead(POINTER, 8);           // the i-th pointer
                a.op(0x79, 3, 10, POINTER, 0).op(0x07, 3, 0, 0, ids.idOffset());
                a.probeRead(base + ids.at() + 4 * i, 4);
            }
            a.label("ids_done");
        }
        a.seqWrite(6, metaSeq, base, recordSize);
        a.label("exit");
        a.op(0xb7, 0, 0, 0, 0).op(0x95, 0, 0, 0, 0);
        return a.bytes();
    }

    /**
     * Loads {@code size} bytes at the end of {@code chain} from the object (r7) into the stack at {@code dest},
     * each pointer on the way loaded as the next struct's address, the member in the widest loads the stack's
     * alignment allows.
     */
    private static void follow(BpfAsm a, int[] chain, int dest, int size) {
        int from = 7;
        for (int i = 0; i < chain.length - 1; i++) {
            a.op(LOAD | DW, 3, from, chain[i], 0);
            from = 3;
        }
        int member = chain[chain.length - 1];
        for (int done = 0; done < size; ) {
            int width = 8;
            while (width > size - done || Math.floorMod(dest + done, width) != 0) {
                width /= 2;
            }
            int code = SIZE_CODES[Integer.numberOfTrailingZeros(width)];
            a.op(LOAD | code, 4, from, member + done, 0);
            a.op(STORE | code, 10, 4, dest + done, 0);
            done += width;
        }
    }
}
