package io.ebpfexporter.core.iter;

import io.ebpfexporter.core.asm.BpfAsm;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.walk.ObjectKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Every fd of a BPF object on the host in one read, as bpftool finds its {@code pids}: an
 * {@code iter/task_file} program (assembled here with the offsets of this kernel's BTF) writes
 * {@code {tgid, kind, id}} for each file whose anonymous inode is named {@code bpf-map}, {@code bpf-prog},
 * {@code bpf_link} or {@code btf}. About 20 times cheaper than reading every /proc/<pid>/fd link; where
 * the kernel lacks what it needs (BTF, the iterator) {@link ObjectOwners} reads /proc instead.
 */
public final class TaskFileIterator {
    private static final int RECORD = 12;
    private static final ObjectKind<?>[] KINDS = {null, ObjectKind.MAPS, ObjectKind.PROGRAMS, ObjectKind.LINKS, ObjectKind.BTFS};

    /** The BTF ids and offsets the program needs, from vmlinux BTF. */
    public record Plan(int iterFunc, int ctxMeta, int ctxTask, int ctxFile, int metaSeq, int taskTgid, int fileDentry,
                int dentryName, int filePrivate, int mapId, int progAux, int auxId, int linkId, int btfId) {
    }

    /** A record: the process (tgid), the object's kind and id. */
    public record Held(int tgid, ObjectKind<?> kind, int id) {
    }

    private TaskFileIterator() {
    }

    /** The plan for this kernel, or empty when its BTF lacks something the program needs. */
    public static java.util.Optional<Plan> plan() {
        try {
            KernelBtf btf = KernelBtf.vmlinux();
            return java.util.Optional.of(new Plan(
                    need(btf.find(KernelBtf.KIND_FUNC, "bpf_iter_task_file")),
                    need(btf.memberOffset("bpf_iter__task_file", "meta")),
                    need(btf.memberOffset("bpf_iter__task_file", "task")),
                    need(btf.memberOffset("bpf_iter__task_file", "file")),
                    need(btf.memberOffset("bpf_iter_meta", "seq")),
                    need(btf.memberOffset("task_struct", "tgid")),
                    need(btf.memberOffset("file", "f_path.dentry")),
                    need(btf.memberOffset("dentry", "d_name.name")),
                    need(btf.memberOffset("file", "private_data")),
                    need(btf.memberOffset("bpf_map", "id")),
                    need(btf.memberOffset("bpf_prog", "aux")),
                    need(btf.memberOffset("bpf_prog_aux", "id")),
                    need(btf.memberOffset("bpf_link", "id")),
                    need(btf.memberOffset("btf", "id"))));
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static int need(OptionalInt value) {
        return value.orElseThrow(() -> new IllegalStateException("not in this kernel's BTF"));
    }

    /** Runs the iterator once; a kernel that refuses the program throws {@link BpfException}. */
    public static List<Held> read(Plan plan) {
        List<Held> held = new ArrayList<>();
        IterProgram.run(program(plan), "ebpf_exp_owners", plan.iterFunc(), RECORD, (chunk, at) -> {
            int kind = chunk.getInt(at + 4);
            if (kind > 0 && kind < KINDS.length) {
                held.add(new Held(chunk.getInt(at), KINDS[kind], chunk.getInt(at + 8)));
            }
        });
        return held;
    }

    /** The first 8 bytes of an inode name, as the program compares them (a shorter name padded with NULs). */
    private static long word(String name) {
        byte[] bytes = java.util.Arrays.copyOf(name.getBytes(StandardCharsets.US_ASCII), 8);
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getLong();
    }

    /**
     * For each file: read its dentry's name (8 bytes) and, by it, the id of the map, program (through
     * its aux), link or BTF in {@code private_data}; then {@code seq_write(&{tgid, kind, id}, 12)}.
     * Stack: name at -8, the record at -24 (tgid, kind, id), a pointer at -32.
     */
    static byte[] program(Plan p) {
        BpfAsm a = new BpfAsm();
        a.op(0x79, 6, 1, p.ctxMeta(), 0);                // r6 = ctx->meta
        a.op(0x79, 7, 1, p.ctxTask(), 0);                // r7 = ctx->task
        a.op(0x79, 8, 1, p.ctxFile(), 0);                // r8 = ctx->file
        a.jump(0x15, 7, 0, 0, "exit");                   // no task: the end-of-iteration call
        a.jump(0x15, 8, 0, 0, "exit");
        a.op(0x79, 1, 8, p.fileDentry(), 0);             // r1 = file->f_path.dentry
        a.op(0x79, 3, 1, p.dentryName(), 0);             // r3 = dentry->d_name.name
        a.probeRead(-8, 8);                              // the name's first 8 bytes
        a.op(0x79, 9, 10, -8, 0);                        // r9 = them
        a.op(0x79, 1, 8, p.filePrivate(), 0);            // r1 = file->private_data
        a.imm64(2, word("bpf-map"));
        a.jump(0x5d, 9, 2, 0, "prog");
        a.op(0xbf, 3, 1, 0, 0).op(0x07, 3, 0, 0, p.mapId());
        a.op(0x62, 10, 0, -20, 1);                       // kind 1
        a.jump(0x05, 0, 0, 0, "id");
        a.label("prog");
        a.imm64(2, word("bpf-prog"));
        a.jump(0x5d, 9, 2, 0, "link");
        a.op(0xbf, 3, 1, 0, 0).op(0x07, 3, 0, 0, p.progAux());
        a.probeRead(-32, 8);                             // prog->aux
        a.op(0x79, 3, 10, -32, 0).op(0x07, 3, 0, 0, p.auxId());
        a.op(0x62, 10, 0, -20, 2);                       // kind 2
        a.jump(0x05, 0, 0, 0, "id");
        a.label("link");
        a.imm64(2, word("bpf_link"));
        a.jump(0x5d, 9, 2, 0, "btf");
        a.op(0xbf, 3, 1, 0, 0).op(0x07, 3, 0, 0, p.linkId());
        a.op(0x62, 10, 0, -20, 3);                       // kind 3
        a.jump(0x05, 0, 0, 0, "id");
        a.label("btf");
        a.op(0xbc, 2, 9, 0, 0);                          // w2 = the name's first 4 bytes: "btf" and its NUL
        a.jump(0x56, 2, 0, (int) word("btf"), "exit");
        a.op(0xbf, 3, 1, 0, 0).op(0x07, 3, 0, 0, p.btfId());
        a.op(0x62, 10, 0, -20, 4);                       // kind 4
        a.label("id");
        a.probeRead(-16, 4);                             // the object's id, into record.id
        a.op(0x61, 1, 7, p.taskTgid(), 0);               // r1 = task->tgid
        a.op(0x63, 10, 1, -24, 0);                       // record.tgid
        a.seqWrite(6, p.metaSeq(), -24, RECORD);
        a.label("exit");
        a.op(0xb7, 0, 0, 0, 0).op(0x95, 0, 0, 0, 0);
        return a.bytes();
    }
}
