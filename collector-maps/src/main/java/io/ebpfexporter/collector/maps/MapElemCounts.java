package io.ebpfexporter.collector.maps;

import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.iter.IterProgram;
import io.ebpfexporter.core.kernel.KernelLimits;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The element counts the kernel keeps for hash-family maps, for every map in one pass: an
 * {@code iter/bpf_map} program (15 instructions, assembled here) calls the kfunc
 * {@code bpf_map_sum_elem_count} and writes {@code {u64 map_id, u64 count}} per map into the iterator's
 * seq file, which one read() drains (about 250 ns per map here, whatever the maps hold). The program
 * and its link live only for the call and are hidden from the collectors ({@link IterProgram}). Kernels
 * without the kfunc (before 6.6) or refusing the program make this unavailable, once, with a warning.
 */
final class MapElemCounts {
    private static final int HELPER_SEQ_WRITE = 127;
    private static final int PSEUDO_KFUNC_CALL = 2;
    private static final int RECORD = 16;

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
        return new Plan(
                need(btf.find(KernelBtf.KIND_FUNC, "bpf_iter_bpf_map"), "FUNC bpf_iter_bpf_map"),
                need(btf.find(KernelBtf.KIND_FUNC, "bpf_map_sum_elem_count"),
                        "kfunc bpf_map_sum_elem_count (Linux 6.6 or newer)"),
                need(btf.memberOffset("bpf_iter__bpf_map", "meta"), "bpf_iter__bpf_map.meta"),
                need(btf.memberOffset("bpf_iter__bpf_map", "map"), "bpf_iter__bpf_map.map"),
                need(btf.memberOffset("bpf_iter_meta", "seq"), "bpf_iter_meta.seq"),
                need(btf.memberOffset("bpf_map", "id"), "bpf_map.id"));
    }

    private static int need(OptionalInt value, String what) {
        return value.orElseThrow(() -> new IllegalStateException("the kernel's BTF has no " + what));
    }

    /** The program: for each map, {@code seq_write(meta->seq, &{map->id, sum_elem_count(map)}, 16)}. */
    static byte[] program(int kfunc, int ctxMeta, int ctxMap, int metaSeq, int mapId) {
        ByteBuffer p = ByteBuffer.allocate(15 * 8).order(ByteOrder.nativeOrder());
        insn(p, 0x79, 6, 1, ctxMeta, 0);             // r6 = ctx->meta
        insn(p, 0x79, 7, 1, ctxMap, 0);              // r7 = ctx->map
        insn(p, 0x15, 7, 0, 10, 0);                  // if r7 == 0 goto exit (the end-of-iteration call)
        insn(p, 0xbf, 1, 7, 0, 0);                   // r1 = r7
        insn(p, 0x85, 0, PSEUDO_KFUNC_CALL, 0, kfunc); // r0 = bpf_map_sum_elem_count(map)
        insn(p, 0x7b, 10, 0, -8, 0);                 // *(u64 *)(r10 - 8) = r0
        insn(p, 0x61, 1, 7, mapId, 0);               // r1 = map->id
        insn(p, 0x7b, 10, 1, -16, 0);                // *(u64 *)(r10 - 16) = r1
        insn(p, 0x79, 1, 6, metaSeq, 0);             // r1 = meta->seq
        insn(p, 0xbf, 2, 10, 0, 0);                  // r2 = r10
        insn(p, 0x07, 2, 0, 0, -RECORD);             // r2 -= 16
        insn(p, 0xb7, 3, 0, 0, RECORD);              // r3 = 16
        insn(p, 0x85, 0, 0, 0, HELPER_SEQ_WRITE);    // bpf_seq_write(r1, r2, r3)
        insn(p, 0xb7, 0, 0, 0, 0);                   // r0 = 0
        insn(p, 0x95, 0, 0, 0, 0);                   // exit
        return p.array();
    }

    private static void insn(ByteBuffer p, int code, int dst, int src, int off, int imm) {
        p.put((byte) code).put((byte) (src << 4 | dst)).putShort((short) off).putInt(imm);
    }

    private static Map<Integer, Long> run(Plan plan) {
        Map<Integer, Long> counts = new HashMap<>();
        IterProgram.run(program(plan.kfunc, plan.ctxMeta, plan.ctxMap, plan.metaSeq, plan.mapId), "ebpf_exp_count",
                plan.iterFunc, RECORD, (chunk, at) -> counts.put((int) chunk.getLong(at), chunk.getLong(at + 8)));
        return counts;
    }
}
