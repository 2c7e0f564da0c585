package io.ebpfexporter.core.asm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A program being assembled: instructions in order, and labels that mark where jumps go. {@link #bytes}
 * resolves each jump's label into its offset (in 8-byte slots from the next instruction), so no offset
 * is counted by hand. Every program the exporter loads is assembled here.
 */
public final class Assembler {
    private final List<Instruction> instructions = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    private int slots;

    public Assembler add(Instruction... more) {
        for (Instruction instruction : more) {
            instructions.add(instruction);
            slots += instruction.slots();
        }
        return this;
    }

    public Assembler add(List<Instruction> more) {
        return add(more.toArray(Instruction[]::new));
    }

    /** Marks the next instruction added as {@code name}, a jump's target. */
    public Assembler label(String name) {
        if (labels.putIfAbsent(name, slots) != null) {
            throw new IllegalArgumentException("label " + name + " marked twice");
        }
        return this;
    }

    /** The program as the kernel loads it: {@code struct bpf_insn}s in the machine's byte order. */
    public byte[] bytes() {
        ByteBuffer out = ByteBuffer.allocate(slots * 8).order(ByteOrder.nativeOrder());
        int at = 0;
        for (Instruction instruction : instructions) {
            at += instruction.slots();
            instruction.encode(out, instruction.target() == null ? 0 : labelAt(instruction.target()) - at);
        }
        return out.array();
    }

    private int labelAt(String name) {
        Integer at = labels.get(name);
        if (at == null) {
            throw new IllegalStateException("jump to " + name + ", a label never marked");
        }
        return at;
    }
}
