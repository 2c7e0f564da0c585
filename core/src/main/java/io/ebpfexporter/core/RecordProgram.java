package io.ebpfexporter.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An iterator program that copies kernel struct members into one fixed-size record per object and writes
 * it to the seq file: the exporter's way to read objects it may not open (no CAP_SYS_ADMIN). Members are
 * named, as {@code aux->user->uid.val}, and found in the running kernel's BTF (offsets are never
 * hard-coded); each is read with {@code bpf_probe_read_kernel}, which reads 0 through a NULL pointer.
 * A member this kernel lacks is left out, and its record bytes read 0.
 */
final class RecordProgram {
    /** Two 8-byte slots under the frame pointer for pointers being followed. */
    private static final int POINTER = -8;
    private static final int ARRAY = -16;

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

    /** The offsets to {@code path} from the object and its size, if this kernel has it and it fits {@code max} bytes. */
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
        return member.size() > max ? Optional.empty() : Optional.of(new Read(offsets, member.size(), at));
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

    /** Reads {@code size} bytes at the end of {@code chain} from the object (r7) into the stack at {@code dest}. */
    private static void follow(BpfAsm a, int[] chain, int dest, int size) {
        a.op(0xbf, 3, 7, 0, 0).op(0x07, 3, 0, 0, chain[0]);
        for (int i = 1; i < chain.length; i++) {
            a.probeRead(POINTER, 8);               // the pointer
            a.op(0x79, 3, 10, POINTER, 0).op(0x07, 3, 0, 0, chain[i]);
        }
        a.probeRead(dest, size);
    }
}
