package io.ebpfexporter.core.btf;

import io.ebpfexporter.core.bpf.LabelValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A small reader of raw BTF (the format of {@code /sys/kernel/btf/vmlinux}): type names, lookup by kind
 * and name, struct member offsets. It reads what the exporter needs to address kernel functions and
 * structs and nothing more. The kernel's BTF is parsed once and shared ({@link #vmlinux()}); a parsed
 * instance is only read, so threads share it.
 */
public final class KernelBtf {
    private static final int KIND_INT = 1;
    private static final int KIND_PTR = 2;
    private static final int KIND_ARRAY = 3;
    public static final int KIND_STRUCT = 4;
    public static final int KIND_UNION = 5;
    public static final int KIND_ENUM = 6;
    public static final int KIND_FUNC = 12;
    private static final int KIND_TYPEDEF = 8;
    private static final int KIND_VOLATILE = 9;
    private static final int KIND_CONST = 10;
    private static final int KIND_RESTRICT = 11;

    private static final String VMLINUX = "sys/kernel/btf/vmlinux";
    private static final Path LIVE_ROOT = Path.of("/");
    /**
     * Each host root's kernel BTF, parsed at its first use. Held softly: the iterator programs take their
     * ids from it at startup, and afterwards only an unseen tracing target reads it, so the GC may take
     * back its 5 MB rather than keep them for the process's life.
     */
    private static final Map<Path, SoftReference<KernelBtf>> PARSED = new HashMap<>();
    private static final int MAGIC = 0xeb9f;

    /**
     * Anonymous members nest a few levels in real kernels; the bound stops a malformed blob whose
     * struct contains itself from recursing forever.
     */
    private static final int MAX_ANONYMOUS_DEPTH = 32;

    private final ByteBuffer data;
    private final int stringsStart;
    private final int stringsEnd;
    /** Byte offset of each type's record; index 0 is the implicit void type. */
    private final int[] typeStarts;

    private KernelBtf(ByteBuffer data, int stringsStart, int stringsEnd, int[] typeStarts) {
        this.data = data;
        this.stringsStart = stringsStart;
        this.stringsEnd = stringsEnd;
        this.typeStarts = typeStarts;
    }

    /** The running kernel's BTF; fails with a message when the kernel has none (CONFIG_DEBUG_INFO_BTF=n). */
    public static KernelBtf vmlinux() {
        return vmlinux(LIVE_ROOT);
    }

    /** The kernel BTF of the host whose files are under {@code root} (a recording's, or "/"). */
    public static synchronized KernelBtf vmlinux(Path root) {
        SoftReference<KernelBtf> parsed = PARSED.get(root);
        KernelBtf btf = parsed == null ? null : parsed.get();
        if (btf == null) {
            btf = read(root.resolve(VMLINUX));
            PARSED.put(root, new SoftReference<>(btf));
        }
        return btf;
    }

    private static KernelBtf read(Path file) {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (kernel built without BTF?)", e);
        }
    }

    /** Parses a raw BTF blob; throws {@link IllegalArgumentException} on a malformed one. */
    public static KernelBtf parse(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        if (blob.length >= 2 && (b.getShort(0) & 0xffff) != MAGIC) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        if (blob.length < 24 || (b.getShort(0) & 0xffff) != MAGIC) {
            throw new IllegalArgumentException("not BTF: bad magic or too short");
        }
        int hdrLen = b.getInt(4);
        long typeStart = (long) hdrLen + Integer.toUnsignedLong(b.getInt(8));
        long typeEnd = typeStart + Integer.toUnsignedLong(b.getInt(12));
        long strStart = (long) hdrLen + Integer.toUnsignedLong(b.getInt(16));
        long strEnd = strStart + Integer.toUnsignedLong(b.getInt(20));
        if (hdrLen < 24 || typeEnd > blob.length || strEnd > blob.length || typeStart > typeEnd) {
            throw new IllegalArgumentException("not BTF: sections outside the blob");
        }
        int[] starts = new int[1024];
        int count = 1;
        int at = (int) typeStart;
        while (at + 12 <= typeEnd) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
            }
            starts[count++] = at;
            at += 12 + extraBytes(b.getInt(at + 4));
        }
        if (at != typeEnd) {
            throw new IllegalArgumentException("not BTF: a type record runs past the type section");
        }
        return new KernelBtf(b, (int) strStart, (int) strEnd, Arrays.copyOf(starts, count));
    }

    /** Bytes that follow a type's 12-byte header, by kind (include/uapi/linux/btf.h). */
    private static int extraBytes(int info) {
        int vlen = info & 0xffff;
        return switch ((info >>> 24) & 0x1f) {
            case 1, 14, 17 -> 4;           // INT, VAR, DECL_TAG
            case 3 -> 12;                  // ARRAY
            case 4, 5, 15, 19 -> 12 * vlen; // STRUCT, UNION, DATASEC, ENUM64
            case 6, 13 -> 8 * vlen;        // ENUM, FUNC_PROTO
            default -> 0;                  // PTR, FWD, TYPEDEF, qualifiers, FUNC, FLOAT, TYPE_TAG
        };
    }

    /** Number of type ids, counting the void type 0. */
    public int typeCount() {
        return typeStarts.length;
    }

    public int kind(int typeId) {
        return valid(typeId) ? (data.getInt(typeStarts[typeId] + 4) >>> 24) & 0x1f : 0;
    }

    /** The byte size of a struct or union type (0 for other kinds and ids out of range). */
    public long size(int typeId) {
        int kind = kind(typeId);
        return kind == KIND_STRUCT || kind == KIND_UNION ? Integer.toUnsignedLong(data.getInt(typeStarts[typeId] + 8)) : 0;
    }

    /** The type's name (its {@link LabelValue}), or "" for void, anonymous types and ids out of range. */
    public String name(int typeId) {
        return valid(typeId) ? string(data.getInt(typeStarts[typeId])) : "";
    }

    /** The id of the first type of {@code kind} named {@code name}. */
    public OptionalInt find(int kind, String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (int id = 1; id < typeStarts.length; id++) {
            if (kind(id) == kind && nameEquals(data.getInt(typeStarts[id]), wanted)) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    /** Whether enum {@code enumName} (e.g. bpf_link_type) has the value {@code valueName}: what this kernel knows. */
    public boolean hasEnumValue(String enumName, String valueName) {
        return enumValues(enumName).containsKey(valueName);
    }

    /**
     * The values of enum {@code enumName} by name, in the kernel's order (aliases share a value); empty when
     * this kernel has no such enum.
     */
    public Map<String, Integer> enumValues(String enumName) {
        OptionalInt id = find(KIND_ENUM, enumName);
        if (id.isEmpty()) {
            return Map.of();
        }
        int at = typeStarts[id.getAsInt()];
        Map<String, Integer> values = new LinkedHashMap<>();
        for (int i = 0; i < (data.getInt(at + 4) & 0xffff); i++) {
            values.put(string(data.getInt(at + 12 + 8 * i)), data.getInt(at + 16 + 8 * i));
        }
        return values;
    }

    /**
     * A struct member as a program reads it: its byte offset from the start of the outer struct, its size
     * in bytes, and, for a pointer to a struct, that struct's name ("" otherwise).
     */
    public record Member(int offset, int size, String pointee) {
    }

    /** The id of FUNC {@code name}; throws naming it where this kernel's BTF has none. */
    public int requireFunc(String name) {
        return find(KIND_FUNC, name).orElseThrow(() -> new IllegalStateException("this kernel's BTF has no FUNC " + name));
    }

    /** {@link #memberOffset}, throwing naming the member where this kernel's BTF has none. */
    public int requireMember(String struct, String member) {
        return memberOffset(struct, member).orElseThrow(
                () -> new IllegalStateException("this kernel's BTF has no " + struct + "." + member));
    }

    /**
     * The byte offset of {@code member} in struct {@code struct}, looking inside anonymous unions and
     * structs; a dotted path ({@code tracing.target_obj_id}) walks into named struct and union members.
     */
    public OptionalInt memberOffset(String struct, String member) {
        Found found = walk(struct, member);
        return found == null ? OptionalInt.empty() : OptionalInt.of((int) found.offset());
    }

    /**
     * The member a dotted path names, as {@link #memberOffset} finds it, with its size and pointee; empty
     * when this kernel's struct has no such member, or has it as a bitfield (no byte load reads one).
     */
    public java.util.Optional<Member> member(String struct, String path) {
        Found found = walk(struct, path);
        if (found == null || found.bitfield()) {
            return java.util.Optional.empty();
        }
        int type = strip(found.type());
        long size = byteSize(type, 0);
        if (size <= 0 || size > Integer.MAX_VALUE || (kind(type) == KIND_INT && intBits(type) != size * 8)) {
            return java.util.Optional.empty();
        }
        String pointee = kind(type) == KIND_PTR ? name(structOrUnion(data.getInt(typeStarts[type] + 8))) : "";
        return java.util.Optional.of(new Member((int) found.offset(), (int) size, pointee));
    }

    /** A member found: its byte offset from the outer struct, its type id, whether it is a bitfield. */
    private record Found(long offset, int type, boolean bitfield) {
        Found movedBy(long bytes) {
            return new Found(offset + bytes, type, bitfield);
        }
    }

    /** The member a dotted path names, or null. */
    private Found walk(String struct, String path) {
        OptionalInt id = find(KIND_STRUCT, struct);
        if (id.isEmpty()) {
            return null;
        }
        int type = id.getAsInt();
        long offset = 0;
        Found found = null;
        for (String name : path.split("\\.")) {
            found = member(type, name, 0);
            if (found == null) {
                return null;
            }
            offset += found.offset();
            type = structOrUnion(found.type());
        }
        return found.movedBy(offset - found.offset());
    }

    /** The member named {@code member} of a struct or union, looking inside anonymous ones, or null. */
    private Found member(int typeId, String member, int depth) {
        if (depth > MAX_ANONYMOUS_DEPTH || !valid(typeId) || (kind(typeId) != KIND_STRUCT && kind(typeId) != KIND_UNION)) {
            return null;
        }
        int at = typeStarts[typeId];
        int info = data.getInt(at + 4);
        boolean bitfieldEncoding = info < 0; // kind_flag: offset holds bitfield size << 24 | bit offset
        for (int i = 0; i < (info & 0xffff); i++) {
            int m = at + 12 + 12 * i;
            int bits = data.getInt(m + 8);
            int bitOffset = bitfieldEncoding ? bits & 0xffffff : bits;
            boolean bitfield = (bitfieldEncoding && bits >>> 24 != 0) || bitOffset % 8 != 0;
            String name = string(data.getInt(m));
            int type = data.getInt(m + 4);
            if (name.equals(member)) {
                return new Found(bitOffset / 8, type, bitfield);
            }
            int inner = structOrUnion(type);
            if (name.isEmpty() && inner != 0) {
                Found found = member(inner, member, depth + 1);
                if (found != null) {
                    return found.movedBy(bitOffset / 8);
                }
            }
        }
        return null;
    }

    /** The type under typedefs and qualifiers. */
    private int strip(int typeId) {
        for (int hops = 0; valid(typeId) && hops < MAX_ANONYMOUS_DEPTH; hops++) {
            int kind = kind(typeId);
            if (kind != KIND_TYPEDEF && kind != KIND_VOLATILE && kind != KIND_CONST && kind != KIND_RESTRICT) {
                return typeId;
            }
            typeId = data.getInt(typeStarts[typeId] + 8);
        }
        return 0;
    }

    /** A type's size in bytes: ints, enums, pointers, structs, unions and arrays of them; -1 otherwise. */
    private long byteSize(int typeId, int depth) {
        int type = strip(typeId);
        if (depth > MAX_ANONYMOUS_DEPTH || !valid(type)) {
            return -1;
        }
        int at = typeStarts[type];
        return switch (kind(type)) {
            case KIND_INT, KIND_ENUM, KIND_STRUCT, KIND_UNION -> Integer.toUnsignedLong(data.getInt(at + 8));
            case KIND_PTR -> 8;
            case KIND_ARRAY -> {
                long element = byteSize(data.getInt(at + 12), depth + 1);
                yield element < 0 ? -1 : element * Integer.toUnsignedLong(data.getInt(at + 20));
            }
            default -> -1;
        };
    }

    /** An int type's number of bits (its encoding's low byte). */
    private int intBits(int typeId) {
        return data.getInt(typeStarts[typeId] + 12) & 0xff;
    }

    /** The struct or union a type names through typedefs and qualifiers, or 0. */
    private int structOrUnion(int typeId) {
        int type = strip(typeId);
        return kind(type) == KIND_STRUCT || kind(type) == KIND_UNION ? type : 0;
    }

    private boolean valid(int typeId) {
        return typeId > 0 && typeId < typeStarts.length;
    }

    private String string(int offset) {
        int start = stringsStart + offset;
        if (offset < 0 || start >= stringsEnd) {
            return "";
        }
        int end = start;
        while (end < stringsEnd && data.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        data.get(start, bytes);
        return LabelValue.of(bytes);
    }

    private boolean nameEquals(int offset, byte[] wanted) {
        int start = stringsStart + offset;
        if (offset < 0 || start + wanted.length >= stringsEnd) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (data.get(start + i) != wanted[i]) {
                return false;
            }
        }
        return data.get(start + wanted.length) == 0;
    }
}
