package io.ebpfexporter.core.iter;

import io.ebpfexporter.core.asm.AluOp;
import io.ebpfexporter.core.asm.Assembler;
import io.ebpfexporter.core.asm.Instruction;
import io.ebpfexporter.core.asm.JumpOp;
import io.ebpfexporter.core.asm.Size;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.iter.RecordLayout.Slot;
import io.ebpfexporter.core.walk.ObjectKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static io.ebpfexporter.core.asm.Register.FP;
import static io.ebpfexporter.core.asm.Register.R0;
import static io.ebpfexporter.core.asm.Register.R1;
import static io.ebpfexporter.core.asm.Register.R2;
import static io.ebpfexporter.core.asm.Register.R3;
import static io.ebpfexporter.core.asm.Register.R6;
import static io.ebpfexporter.core.asm.Register.R7;
import static io.ebpfexporter.core.asm.Register.R8;
import static io.ebpfexporter.core.asm.Register.R9;

/**
 * Every fd of a BPF object on the host in one read, as bpftool finds its {@code pids}: an
 * {@code iter/task_file} program (assembled here with the offsets of this kernel's BTF) writes
 * {@code {tgid, kind, id}} for each file whose anonymous inode is named {@code bpf-map}, {@code bpf-prog},
 * {@code bpf_link} or {@code btf}. About 20 times cheaper than reading every /proc/<pid>/fd link; where
 * the kernel lacks what it needs (BTF, the iterator) {@code ObjectOwners} reads /proc instead. A sibling
 * program, run only when asked for, writes {@code {tgid, fd}} for each perf event ({@code [perf_event]}),
 * as bpftool's {@code perf} queries them; the owners' program and its records stay as they are.
 */
public final class TaskFileIterator {
    /** A record per file of a BPF object: the process, the object's kind (an index in {@link #KINDS}) and id. */
    private static final RecordLayout RECORD = new RecordLayout("task_file record", 12);
    private static final Slot TGID = RECORD.u32("tgid", 0);
    private static final Slot KIND = RECORD.u32("kind", 4);
    private static final Slot ID = RECORD.u32("id", 8);
    private static final List<ObjectKind<?>> KINDS =
            Arrays.asList(null, ObjectKind.MAPS, ObjectKind.PROGRAMS, ObjectKind.LINKS, ObjectKind.BTFS);
    /** The program's stack: the name read, the record, a pointer followed. */
    private static final int NAME = -8;
    private static final int RECORD_AT = -24;
    private static final int POINTER = -32;
    /** A record per perf-event file: the process and the fd number it holds the event by. */
    private static final RecordLayout PERF_RECORD = new RecordLayout("task_file perf_event record", 8);
    private static final Slot PERF_TGID = PERF_RECORD.u32("tgid", 0);
    private static final Slot PERF_FD = PERF_RECORD.u32("fd", 4);
    /** The perf-event program's stack: the name read ("[perf_event]" and its NUL take 13 bytes), the record. */
    private static final int PERF_NAME = -16;
    private static final int PERF_RECORD_AT = -24;
    private static final String PERF_EVENT = "[perf_event]";

    /** The BTF ids and offsets the program needs, from vmlinux BTF. */
    public record Plan(int iterFunc, int ctxMeta, int ctxTask, int ctxFile, int metaSeq, int taskTgid, int fileDentry,
                int dentryName, int filePrivate, int mapId, int progAux, int auxId, int linkId, int btfId, int ctxFd) {
    }

    /** A record: the process (tgid), the object's kind and id. */
    public record Held(int tgid, ObjectKind<?> kind, int id) {
    }

    /** A perf event a process holds: the process (tgid) and the fd number. */
    public record PerfEventFd(int tgid, int fd) {
    }

    private TaskFileIterator() {
    }

    /** The plan for this kernel, or empty when its BTF lacks something the program needs. */
    public static Optional<Plan> plan() {
        try {
            KernelBtf btf = KernelBtf.vmlinux();
            return Optional.of(new Plan(btf.requireFunc("bpf_iter_task_file"),
                    btf.requireMember("bpf_iter__task_file", "meta"), btf.requireMember("bpf_iter__task_file", "task"),
                    btf.requireMember("bpf_iter__task_file", "file"), btf.requireMember("bpf_iter_meta", "seq"),
                    btf.requireMember("task_struct", "tgid"), btf.requireMember("file", "f_path.dentry"),
                    btf.requireMember("dentry", "d_name.name"), btf.requireMember("file", "private_data"),
                    btf.requireMember("bpf_map", "id"), btf.requireMember("bpf_prog", "aux"),
                    btf.requireMember("bpf_prog_aux", "id"), btf.requireMember("bpf_link", "id"),
                    btf.requireMember("btf", "id"), btf.requireMember("bpf_iter__task_file", "fd")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Runs the iterator once; a kernel that refuses the program throws {@link BpfException}. */
    public static List<Held> read(Plan plan) {
        List<Held> held = new ArrayList<>();
        IterProgram.run(program(plan), "ebpf_exp_owners", plan.iterFunc(), RECORD.size(), (chunk, at) -> {
            int kind = chunk.getInt(at + KIND.offset());
            if (kind > 0 && kind < KINDS.size()) {
                held.add(new Held(chunk.getInt(at + TGID.offset()), KINDS.get(kind), chunk.getInt(at + ID.offset())));
            }
        });
        return held;
    }

    /** Runs the perf-event program once: every perf event's fd on the host, with its process. */
    public static List<PerfEventFd> perfEvents(Plan plan) {
        List<PerfEventFd> found = new ArrayList<>();
        IterProgram.run(perfEventProgram(plan), "ebpf_exp_perf", plan.iterFunc(), PERF_RECORD.size(),
                (chunk, at) -> found.add(new PerfEventFd(chunk.getInt(at + PERF_TGID.offset()),
                        chunk.getInt(at + PERF_FD.offset()))));
        return found;
    }

    /** The first 8 bytes of an inode name, as the program compares them (a shorter name padded with NULs). */
    private static long word(String name) {
        byte[] bytes = Arrays.copyOf(name.getBytes(StandardCharsets.US_ASCII), 8);
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getLong();
    }

    /**
     * For each file: read its dentry's name (8 bytes) and, by it, the id of the map, program (through
     * its aux), link or BTF in {@code private_data}; then {@code seq_write(&record, sizeof(record))}.
     */
    static byte[] program(Plan p) {
        Assembler a = fileName(p, List.of(), NAME, 8);
        a.add(Instruction.loadMem(R9, FP, NAME, Size.DW),
                Instruction.loadMem(R1, R8, p.filePrivate(), Size.DW));
        a.add(Instruction.loadImm64(R2, word("bpf-map")), JumpOp.JNE.reg(R9, R2, "prog"));
        a.add(AluOp.MOV.reg(R3, R1), AluOp.ADD.imm(R3, p.mapId()), kind(ObjectKind.MAPS), Instruction.jumpTo("id"));
        a.label("prog");
        a.add(Instruction.loadImm64(R2, word("bpf-prog")), JumpOp.JNE.reg(R9, R2, "link"));
        a.add(AluOp.MOV.reg(R3, R1), AluOp.ADD.imm(R3, p.progAux()));
        a.add(IterCalls.probeRead(POINTER, 8)); // prog->aux
        a.add(Instruction.loadMem(R3, FP, POINTER, Size.DW), AluOp.ADD.imm(R3, p.auxId()),
                kind(ObjectKind.PROGRAMS), Instruction.jumpTo("id"));
        a.label("link");
        a.add(Instruction.loadImm64(R2, word("bpf_link")), JumpOp.JNE.reg(R9, R2, "btf"));
        a.add(AluOp.MOV.reg(R3, R1), AluOp.ADD.imm(R3, p.linkId()), kind(ObjectKind.LINKS), Instruction.jumpTo("id"));
        a.label("btf");
        a.add(AluOp.MOV.reg32(R2, R9), // the name's first 4 bytes: "btf" and its NUL
                JumpOp.JNE.imm32(R2, (int) word("btf"), "exit"));
        a.add(AluOp.MOV.reg(R3, R1), AluOp.ADD.imm(R3, p.btfId()), kind(ObjectKind.BTFS));
        a.label("id");
        a.add(IterCalls.probeRead(RECORD_AT + ID.offset(), ID.size()));
        return writeRecord(a, p, RECORD_AT + TGID.offset(), RECORD_AT, RECORD.size());
    }

    /**
     * For each file: keep its fd in the record, read its dentry's name (16 bytes), and if it is
     * {@code [perf_event]} (its NUL included, so no longer name matches) write {@code {tgid, fd}}.
     */
    static byte[] perfEventProgram(Plan p) {
        Assembler a = fileName(p, List.of(Instruction.loadMem(R2, R1, p.ctxFd(), Size.W),
                Instruction.storeMem(FP, PERF_RECORD_AT + PERF_FD.offset(), R2, Size.W)), PERF_NAME, 16);
        a.add(Instruction.loadMem(R9, FP, PERF_NAME, Size.DW), Instruction.loadImm64(R2, word(PERF_EVENT)),
                JumpOp.JNE.reg(R9, R2, "exit"),
                Instruction.loadMem(R2, FP, PERF_NAME + 8, Size.W),
                JumpOp.JNE.imm32(R2, (int) word(PERF_EVENT.substring(8)), "exit"),
                Instruction.loadMem(R2, FP, PERF_NAME + PERF_EVENT.length(), Size.B),
                JumpOp.JNE.imm(R2, 0, "exit"));
        return writeRecord(a, p, PERF_RECORD_AT + PERF_TGID.offset(), PERF_RECORD_AT, PERF_RECORD.size());
    }

    /**
     * The start both programs share: the context's meta, task and file in r6 to r8 (none at the end of the
     * iteration), {@code withContext} run while r1 still holds the context, then {@code size} bytes of
     * the file's dentry name read to {@code nameAt} on the stack.
     */
    private static Assembler fileName(Plan p, List<Instruction> withContext, int nameAt, int size) {
        Assembler a = new Assembler();
        a.add(Instruction.loadMem(R6, R1, p.ctxMeta(), Size.DW),
                Instruction.loadMem(R7, R1, p.ctxTask(), Size.DW),
                Instruction.loadMem(R8, R1, p.ctxFile(), Size.DW),
                JumpOp.JEQ.imm(R7, 0, "exit"), // no task: the end-of-iteration call
                JumpOp.JEQ.imm(R8, 0, "exit"));
        a.add(withContext);
        a.add(Instruction.loadMem(R1, R8, p.fileDentry(), Size.DW),
                Instruction.loadMem(R3, R1, p.dentryName(), Size.DW));
        a.add(IterCalls.probeRead(nameAt, size));
        return a;
    }

    /** The end both programs share: the task's tgid stored at {@code tgidAt}, the record written, exit 0. */
    private static byte[] writeRecord(Assembler a, Plan p, int tgidAt, int recordAt, int recordSize) {
        a.add(Instruction.loadMem(R1, R7, p.taskTgid(), Size.W), Instruction.storeMem(FP, tgidAt, R1, Size.W));
        a.add(IterCalls.seqWrite(R6, p.metaSeq(), recordAt, recordSize));
        a.label("exit");
        a.add(AluOp.MOV.imm(R0, 0), Instruction.exit());
        return a.bytes();
    }

    /** Stores the record's kind. */
    private static Instruction kind(ObjectKind<?> kind) {
        return Instruction.storeImm(FP, RECORD_AT + KIND.offset(), KINDS.indexOf(kind), Size.W);
    }
}
