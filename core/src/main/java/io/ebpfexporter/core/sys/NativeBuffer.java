package io.ebpfexporter.core.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Native memory the kernel reads from or writes into, seen from Java as a native-order ByteBuffer. */
public final class NativeBuffer {
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

    /** Zeroes the buffer; small ones (struct infos, cleared per object) without a JNI call. */
    public NativeBuffer clear() {
        int size = size();
        if (size > 512) {
            memory.clear();
            return this;
        }
        int offset = 0;
        for (; offset + Long.BYTES <= size; offset += Long.BYTES) {
            view.putLong(offset, 0);
        }
        for (; offset < size; offset++) {
            view.put(offset, (byte) 0);
        }
        return this;
    }

    /** A native-order view over the whole buffer; absolute gets and puts only. */
    public ByteBuffer view() {
        return view;
    }

    Memory memory() {
        return memory;
    }

    public long address() {
        return Pointer.nativeValue(memory);
    }
}
