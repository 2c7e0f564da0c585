package io.ebpfexporter.collector.maps;

import io.ebpfexporter.core.asm.AluOp;
import io.ebpfexporter.core.asm.Assembler;
import io.ebpfexporter.core.asm.Instruction;
import io.ebpfexporter.core.asm.JumpOp;
import io.ebpfexporter.core.asm.Size;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.iter.IterCalls;
import io.ebpfexporter.core.iter.IterProgram;
import io.ebpfexporter.core.iter.RecordLayout;
import io.ebpfexporter.core.kernel.KernelLimits;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static io.ebpfexporter.core.asm.Register.FP;
import static io.ebpfexporter.core.asm.Register.R0;
import static io.ebpfexporter.core.asm.Register.R1;
import static io.ebpfexporter.core.asm.Register.R6;
import static io.ebpfexporter.core.asm.Register.R7;

/**
 * The element counts the kernel keeps for hash-family maps, for every map in one pass: an
 * {@code iter/bpf_map} program (15 instructions) calls the kfunc {@code bpf_map_sum_elem_count} and
 * writes {@code {u64 map_id, u64 count}} per map into the iterator's seq file, which one read() drains,
 * at the same cost whatever the maps hold. The program
 * and its link live only for the call and are hidden from the collectors ({@link IterProgram}). Kernels
 * without the kfunc (before 6.6) or refusing the program make this unavailable, once, with a warning.
 */
final class MapElemCounts {
    /** A record per map: its id and element count, written from the stack at {@link #RECORD_AT}. */
    private static final RecordLayout RECORD = new RecordLayout("map count record", 16);
    private static final RecordLayout.Slot MAP_ID = RECORD.u64("map id", 0);
    private static final RecordLayout.Slot COUNT = RECORD.u64("count", 8);
    private static final int RECORD_AT = -RECORD.size();

    /** The BTF ids and offsets the program needs, from vmlinux BTF, found once. */
    private record Plan(int iterFunc, int kfunc, int ctxMeta, int ctxMap, int metaSeq, int mapId) {
    }

    private static Plan plan;
    private static String unavailable;

    private MapElemCounts() {
    }

    /** Map id → element count for every map now, or empty when this kernel cannot do it. */
    static synchronized Optional<Map<Integer, Long>> read() {
        if (unavailable != null) {
            return Optional.empty();
        }
        try {
            if (plan == null) {
                plan = findPlan();
            }
            return Optional.of(run(plan));
        } catch (IllegalStateException e) {
            return giveUp(e.getMessage());
        } catch (BpfException e) {
            if (e.errno() == Errno.ENOENT) {
                return Optional.empty(); // something vanished mid-pass; batch counting covers this scrape
            }
            return giveUp("the kernel refused the counting iterator: " + e.getMessage());
        }
    }

    /** Finds what the counting program needs in the kernel's BTF, once; a kernel lacking it is a limitation. */
    static synchronized void probe() {
        if (plan != null || unavailable != null) {
            return;
        }
        try {
            plan = findPlan();
        } catch (IllegalStateException e) {
            giveUp(e.getMessage());
        }
    }

    private static Optional<Map<Integer, Long>> giveUp(String reason) {
        unavailable = reason;
        KernelLimits.found("hash map entries counted by batch lookup: " + reason);
        return Optional.empty();
    }

    private static Plan findPlan() {
        KernelBtf btf;
        try {
            btf = KernelBtf.vmlinux();
        } catch (RuntimeException e) {
            throw new IllegalStateException("no vmlinux BTF: " + e.getMessage());
        }
        int kfunc = btf.find(KernelBtf.KIND_FUNC, "bpf_map_sum_elem_count").orElseThrow(() ->
                new IllegalStateException("this kernel's BTF has no kfunc bpf_map_sum_elem_count (Linux 6.6 or newer)"));
        return new Plan(btf.requireFunc("bpf_iter_bpf_map"), kfunc,
                btf.requireMember("bpf_iter__bpf_map", "meta"), btf.requireMember("bpf_iter__bpf_map", "map"),
                btf.requireMember("bpf_iter_meta", "seq"), btf.requireMember("bpf_map", "id"));
    }

    /** The program: for each map, {@code seq_write(meta->seq, &{map->id, sum_elem_count(map)}, 16)}. */
    static byte[] program(int kfunc, int ctxMeta, int ctxMap, int metaSeq, int mapId) {
        Assembler a = new Assembler();
        a.add(Instruction.loadMem(R6, R1, ctxMeta, Size.DW),
                Instruction.loadMem(R7, R1, ctxMap, Size.DW),
                JumpOp.JEQ.imm(R7, 0, "exit"), // no map: the end-of-iteration call
                AluOp.MOV.reg(R1, R7),
                Instruction.callKfunc(kfunc),
                Instruction.storeMem(FP, RECORD_AT + COUNT.offset(), R0, Size.DW),
                Instruction.loadMem(R1, R7, mapId, Size.W),
                Instruction.storeMem(FP, RECORD_AT + MAP_ID.offset(), R1, Size.DW));
        a.add(IterCalls.seqWrite(R6, metaSeq, RECORD_AT, RECORD.size()));
        a.label("exit");
        a.add(AluOp.MOV.imm(R0, 0), Instruction.exit());
        return a.bytes();
    }

    private static Map<Integer, Long> run(Plan plan) {
        Map<Integer, Long> counts = new HashMap<>();
        IterProgram.run(program(plan.kfunc, plan.ctxMeta, plan.ctxMap, plan.metaSeq, plan.mapId), "ebpf_exp_count",
                plan.iterFunc, RECORD.size(),
                (chunk, at) -> counts.put((int) chunk.getLong(at + MAP_ID.offset()), chunk.getLong(at + COUNT.offset())));
        return counts;
    }
}
