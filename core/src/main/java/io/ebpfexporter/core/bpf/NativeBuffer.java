package io.ebpfexporter.core.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native memory the kernel reads from or writes into, seen from Java as a native-order ByteBuffer. Its
 * owner closes it when done (a call, a walk, a thread's life): memory left to JNA's cleaner is freed
 * only after a garbage collection finds the buffer, which under load lags the allocation rate by tens
 * of megabytes.
 */
public final class NativeBuffer implements AutoCloseable {
    /** Up to this size a buffer is zeroed by one bulk copy from {@link #ZEROS}, above it by a JNI memset. */
    private static final int COPY_CLEAR_MAX = 512;
    private static final byte[] ZEROS = new byte[COPY_CLEAR_MAX];

    private final Memory memory;
    private final ByteBuffer view;

    public NativeBuffer(int size) {
        memory = new Memory(Math.max(1, size));
        memory.clear();
        view = memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
    }

    public static NativeBuffer of(byte[] bytes) {
        NativeBuffer buffer = new NativeBuffer(bytes.length);
        buffer.memory.write(0, bytes, 0, bytes.length);
        return buffer;
    }

    public int size() {
        return (int) memory.size();
    }

    /**
     * Zeroes the buffer; small ones (bpf_attr and struct infos, several per object per scrape) by one
     * bulk copy, without a JNI call and without a put per word, which C1's code does one call each.
     */
    public NativeBuffer clear() {
        int size = size();
        if (size > COPY_CLEAR_MAX) {
            memory.clear();
        } else {
            view.put(0, ZEROS, 0, size);
        }
        return this;
    }

    /** A native-order view over the whole buffer; absolute gets and puts only. */
    public ByteBuffer view() {
        return view;
    }

    public long address() {
        return Pointer.nativeValue(memory);
    }

    /** Frees the memory now; the buffer must not be used after. */
    @Override
    public void close() {
        memory.close();
    }
}
