package io.ebpfexporter.core.iter;

import java.util.ArrayList;
import java.util.List;

/**
 * The layout of the record an iterator program writes per object: each field once, with its offset and
 * width, so the program that fills a record and the reader that decodes it take their offsets from one
 * declaration (as {@code io.ebpfexporter.core.bpf} declares the kernel's structs). A field that copies a
 * kernel struct member is named by the member's path from the iterated object, as
 * {@code aux->user->uid.val}.
 */
public final class RecordLayout {
    private final String name;
    private final int size;
    private final List<Slot> slots = new ArrayList<>();

    /** A record of {@code size} bytes, the stride of the iterator's output. */
    public RecordLayout(String name, int size) {
        this.name = name;
        this.size = size;
    }

    public Slot u32(String field, int offset) {
        return bytes(field, offset, 4);
    }

    public Slot u64(String field, int offset) {
        return bytes(field, offset, 8);
    }

    /** A field of {@code width} bytes at {@code offset}: within the record and clear of every field before it. */
    public Slot bytes(String field, int offset, int width) {
        Slot slot = new Slot(field, offset, width);
        if (offset < 0 || width <= 0 || offset + width > size) {
            throw new IllegalArgumentException(name + "." + field + ": " + width + " bytes at " + offset
                    + " outside its " + size + " bytes");
        }
        for (Slot other : slots) {
            if (offset < other.offset() + other.size() && other.offset() < offset + width) {
                throw new IllegalArgumentException(name + "." + field + " overlaps " + other.name());
            }
        }
        slots.add(slot);
        return slot;
    }

    public int size() {
        return size;
    }

    /** One field of a record: its name, offset and width in bytes. */
    public record Slot(String name, int offset, int size) {
    }
}
