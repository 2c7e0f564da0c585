package io.ebpfexporter.core;

import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BTF reader on a hand-laid blob and on this kernel's vmlinux, against bpftool's dump. */
class KernelBtfTest {

    /** INT "int"; STRUCT "pair" {int a @0; int b @32 bits}; FUNC "f" (type 0). */
    private static byte[] blob() {
        byte[] strings = "\0int\0pair\0a\0b\0f\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer types = ByteBuffer.allocate(16 + 12 + 24 + 12).order(ByteOrder.LITTLE_ENDIAN);
        types.putInt(1).putInt(1 << 24).putInt(4).putInt(0x0100_0020);            // [1] INT int
        types.putInt(5).putInt(4 << 24 | 2).putInt(8);                              // [2] STRUCT pair, 2 members
        types.putInt(10).putInt(1).putInt(0).putInt(12).putInt(1).putInt(32);       //     a @0, b @32 bits
        types.putInt(14).putInt(12 << 24).putInt(0);                                // [3] FUNC f
        ByteBuffer b = ByteBuffer.allocate(24 + types.capacity() + strings.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24)
                .putInt(0).putInt(types.capacity()).putInt(types.capacity()).putInt(strings.length);
        b.put(types.array()).put(strings);
        return b.array();
    }

    @Test
    void readsNamesKindsAndMemberOffsets() {
        KernelBtf btf = KernelBtf.parse(blob());
        assertEquals(4, btf.typeCount());
        assertEquals("pair", btf.name(2));
        assertEquals(KernelBtf.KIND_STRUCT, btf.kind(2));
        assertEquals(OptionalInt.of(3), btf.find(KernelBtf.KIND_FUNC, "f"));
        assertEquals(OptionalInt.empty(), btf.find(KernelBtf.KIND_STRUCT, "f"));
        assertEquals(OptionalInt.of(4), btf.memberOffset("pair", "b"));
        assertEquals(OptionalInt.empty(), btf.memberOffset("pair", "c"));
        assertEquals("", btf.name(0));
        assertEquals("", btf.name(99));
    }

    @Test
    void malformedBlobsAreRejectedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> KernelBtf.parse(new byte[3]));
        byte[] cut = blob();
        ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 30); // type section ends mid-record
        assertThrows(IllegalArgumentException.class, () -> KernelBtf.parse(cut));
        byte[] past = blob();
        ByteBuffer.wrap(past).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 1_000_000);
        assertThrows(IllegalArgumentException.class, () -> KernelBtf.parse(past));
    }

    @Test
    void vmlinuxIdsMatchBpftool() throws Exception {
        Kernel.requireBpf();
        String bpftool = Kernel.requireTool("bpftool");
        KernelBtf btf = KernelBtf.vmlinux();
        int iter = btf.find(KernelBtf.KIND_FUNC, "bpf_iter_bpf_map").orElseThrow();
        Process p = new ProcessBuilder("sh", "-c", bpftool
                + " btf dump file /sys/kernel/btf/vmlinux | grep -E \"^\\[[0-9]+\\] (FUNC 'bpf_iter_bpf_map'|STRUCT 'bpf_map' )\"")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertTrue(out.contains("[" + iter + "] FUNC 'bpf_iter_bpf_map'"), out);
        int map = btf.find(KernelBtf.KIND_STRUCT, "bpf_map").orElseThrow();
        assertTrue(out.contains("[" + map + "] STRUCT 'bpf_map' "), out);
        assertTrue(btf.memberOffset("bpf_map", "id").orElseThrow() > 0);
        // members inside anonymous unions, as in every bpf_iter__* context
        assertEquals(OptionalInt.of(0), btf.memberOffset("bpf_iter__bpf_map", "meta"));
        assertEquals(OptionalInt.of(8), btf.memberOffset("bpf_iter__bpf_map", "map"));
    }
}
