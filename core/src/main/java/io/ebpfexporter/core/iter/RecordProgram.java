package io.ebpfexporter.core.iter;

import io.ebpfexporter.core.asm.AluOp;
import io.ebpfexporter.core.asm.Assembler;
import io.ebpfexporter.core.asm.Instruction;
import io.ebpfexporter.core.asm.JumpOp;
import io.ebpfexporter.core.asm.Register;
import io.ebpfexporter.core.asm.Size;
import io.ebpfexporter.core.btf.KernelBtf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.ebpfexporter.core.asm.Register.FP;
import static io.ebpfexporter.core.asm.Register.R0;
import static io.ebpfexporter.core.asm.Register.R1;
import static io.ebpfexporter.core.asm.Register.R3;
import static io.ebpfexporter.core.asm.Register.R4;
import static io.ebpfexporter.core.asm.Register.R6;
import static io.ebpfexporter.core.asm.Register.R7;
import static io.ebpfexporter.core.asm.Register.R9;

/**
 * An iterator program that copies kernel struct members into one fixed-size record per object and writes
 * it to the seq file: the exporter's way to read objects it may not open (no CAP_SYS_ADMIN). Members are
 * named, as {@code aux->user->uid.val}, and found in the running kernel's BTF (offsets are never
 * hard-coded). Each is read with plain loads through the iterator's BTF-typed object pointer, which the
 * verifier makes fault-safe (a NULL pointer on the way reads 0), far cheaper than a helper call per
 * member on a host with thousands of maps. Only the used maps'
 * ids, behind an array of pointers the verifier does not type, are read with
 * {@code bpf_probe_read_kernel}. A member this kernel lacks is left out, and its record bytes read 0.
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
    private final RecordLayout layout;
    private final List<Read> reads = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();
    private IdArray ids;

    /** A program for objects of struct {@code objectStruct} (bpf_prog, bpf_map, bpf_link), writing records laid out as {@code layout}. */
    RecordProgram(KernelBtf btf, String objectStruct, RecordLayout layout) {
        this.btf = btf;
        this.objectStruct = objectStruct;
        this.layout = layout;
    }

    /**
     * Copies the member {@code slot} names into the slot; false (and the member noted missing) when this
     * kernel has no such member, or one larger than the slot.
     */
    boolean read(RecordLayout.Slot slot) {
        Optional<Read> read = resolve(slot.name(), slot.size(), slot.offset());
        read.ifPresentOrElse(reads::add, () -> missing.add(slot.name()));
        return read.isPresent();
    }

    /**
     * Copies into {@code ids}, 4 bytes each, the ids ({@code idMember}) of the structs the pointer array
     * that slot names points at, as many as the slot holds and {@code count} says.
     */
    boolean ids(RecordLayout.Slot ids, String pointeeStruct, String idMember, RecordLayout.Slot count) {
        Optional<Read> array = resolve(ids.name(), 8, 0);
        Optional<KernelBtf.Member> id = btf.member(pointeeStruct, idMember);
        if (array.isEmpty() || id.isEmpty() || id.get().size() != 4) {
            missing.add(ids.name());
            return false;
        }
        this.ids = new IdArray(array.get().chain(), id.get().offset(), count.offset(), ids.offset(), ids.size() / 4);
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
        int base = ARRAY - (layout.size() + 7) / 8 * 8;
        Assembler a = new Assembler();
        a.add(Instruction.loadMem(R6, R1, ctxMeta, Size.DW),
                Instruction.loadMem(R7, R1, ctxObject, Size.DW),
                JumpOp.JEQ.imm(R7, 0, "exit")); // no object: the end-of-iteration call
        for (int at = base; at < ARRAY; at += 8) {
            a.add(Instruction.storeImm(FP, at, 0, Size.DW)); // the record starts as zeros
        }
        for (Read r : reads) {
            follow(a, r.chain(), base + r.at(), r.size());
        }
        if (ids != null) {
            follow(a, ids.arrayChain(), ARRAY, 8);
            a.add(Instruction.loadMem(R9, FP, base + ids.countAt(), Size.W));
            for (int i = 0; i < ids.max(); i++) {
                a.add(JumpOp.JLE.imm(R9, i, "ids_done"));
                a.add(Instruction.loadMem(R3, FP, ARRAY, Size.DW), AluOp.ADD.imm(R3, 8 * i));
                a.add(IterCalls.probeRead(POINTER, 8)); // the i-th pointer
                a.add(Instruction.loadMem(R3, FP, POINTER, Size.DW), AluOp.ADD.imm(R3, ids.idOffset()));
                a.add(IterCalls.probeRead(base + ids.at() + 4 * i, 4));
            }
            a.label("ids_done");
        }
        a.add(IterCalls.seqWrite(R6, metaSeq, base, layout.size()));
        a.label("exit");
        a.add(AluOp.MOV.imm(R0, 0), Instruction.exit());
        return a.bytes();
    }

    /**
     * Loads {@code size} bytes at the end of {@code chain} from the object (r7) into the stack at {@code dest},
     * each pointer on the way loaded as the next struct's address, the member in the widest loads the stack's
     * alignment allows.
     */
    private static void follow(Assembler a, int[] chain, int dest, int size) {
        Register from = R7;
        for (int i = 0; i < chain.length - 1; i++) {
            a.add(Instruction.loadMem(R3, from, chain[i], Size.DW));
            from = R3;
        }
        int member = chain[chain.length - 1];
        for (int done = 0; done < size; ) {
            int width = 8;
            while (width > size - done || Math.floorMod(dest + done, width) != 0) {
                width /= 2;
            }
            Size load = Size.ofBytes(width);
            a.add(Instruction.loadMem(R4, from, member + done, load), Instruction.storeMem(FP, dest + done, R4, load));
            done += width;
        }
    }
}
