package io.ebpfexporter.core.bpf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NativeBufferTest {

    @Test
    void clearZeroesEveryByteOfSmallAndLargeBuffers() {
        for (int size : new int[] {1, 7, 8, 160, 511, 512, 513, 4096}) {
            NativeBuffer buffer = new NativeBuffer(size);
            for (int i = 0; i < size; i++) {
                buffer.view().put(i, (byte) 0xA5);
            }
            buffer.clear();
            for (int i = 0; i < size; i++) {
                assertEquals(0, buffer.view().get(i), "size " + size + ", byte " + i);
            }
        }
    }
}
