package io.ebpfexporter.core.sys;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code union bpf_attr} in native memory, reused call after call by one thread. 168 bytes is the
 * union's size on Linux 6.18; older kernels accept a larger size as long as the tail they do not
 * know is zero, which {@link #clear()} guarantees.
 */
public final class Attr {
    static final int SIZE = 168;

    /** Puts and gets go through its view: plain memory access, where Memory's accessors are JNI calls. */
    final NativeBuffer buffer = new NativeBuffer(SIZE);
    private final ByteBuffer view = buffer.view();
    /**
     * Buffers whose addresses this attr holds. The kernel sees only raw addresses, so without this
     * strong reference the garbage collector could free a buffer while bpf() is still using it.
     */
    private final List<NativeBuffer> pointed = new ArrayList<>();

    public Attr clear() {
        buffer.clear();
        pointed.clear();
        return this;
    }

    public Attr putInt(int offset, int value) {
        view.putInt(offset, value);
        return this;
    }

    public Attr putLong(int offset, long value) {
        view.putLong(offset, value);
        return this;
    }

    /** Stores raw bytes, such as an object name ({@code char[16]}, NUL-padded by the earlier clear). */
    public Attr putBytes(int offset, byte[] bytes) {
        view.put(offset, bytes);
        return this;
    }

    /** Stores the address of {@code buffer} (a {@code __aligned_u64} user pointer in the uapi). */
    public Attr putPointer(int offset, NativeBuffer buffer) {
        if (buffer != null) {
            pointed.add(buffer);
        }
        view.putLong(offset, buffer == null ? 0 : buffer.address());
        return this;
    }

    /** Keeps {@code buffer} alive through the next call: the kernel reaches it through another buffer. */
    public Attr pin(NativeBuffer buffer) {
        pointed.add(buffer);
        return this;
    }

    public int getInt(int offset) {
        return view.getInt(offset);
    }

    public long getLong(int offset) {
        return view.getLong(offset);
    }
}
