package io.ebpfexporter.core.bpf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One {@code union bpf_attr} in native memory, filled by {@link BpfAttr} fields and reused call after
 * call by one thread. 168 bytes is the union's size on Linux 6.18; older kernels accept a larger size
 * as long as the tail they do not know is zero, which {@link #clear()} guarantees.
 */
public final class Attr {
    static final int SIZE = 168;

    final NativeBuffer buffer = new NativeBuffer(SIZE);
    private final ByteBuffer view = buffer.view();
    /**
     * Buffers whose addresses this attr holds. The kernel sees only raw addresses, so without this
     * strong reference the garbage collector could free a buffer while bpf() is still using it.
     */
    private final List<NativeBuffer> pointed = new ArrayList<>();

    Attr() {
    }

    Attr clear() {
        buffer.clear();
        pointed.clear();
        return this;
    }

    /** Stores {@code value} in a 32- or 64-bit field. */
    public Attr put(Field field, long value) {
        if (field.size() == Long.BYTES) {
            view.putLong(field.offset(), value);
        } else {
            view.putInt(field.offset(), (int) value);
        }
        return this;
    }

    /** Stores the address of {@code buffer} (a {@code __aligned_u64} user pointer), or 0 for null. */
    public Attr putPointer(Field field, NativeBuffer buffer) {
        if (buffer != null) {
            pointed.add(buffer);
        }
        view.putLong(field.offset(), buffer == null ? 0 : buffer.address());
        return this;
    }

    /** Stores an object name in a {@code char[16]} field: at most 15 bytes, NUL-padded by the clear. */
    public Attr putName(Field field, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        view.put(field.offset(), Arrays.copyOf(bytes, Math.min(bytes.length, field.size() - 1)));
        return this;
    }

    /** A 32-bit field the kernel wrote back. */
    public int getInt(Field field) {
        return view.getInt(field.offset());
    }

    /** A 64-bit field the kernel wrote back. */
    public long getLong(Field field) {
        return view.getLong(field.offset());
    }
}
