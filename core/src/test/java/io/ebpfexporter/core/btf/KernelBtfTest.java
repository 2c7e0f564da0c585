package io.ebpfexporter.core.btf;

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

    /** A BTF blob: the header, then {@code types} and {@code strings}. */
    private static byte[] blob(ByteBuffer types, byte[] strings) {
        ByteBuffer b = ByteBuffer.allocate(24 + types.capacity() + strings.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24)
                .putInt(0).putInt(types.capacity()).putInt(types.capacity()).putInt(strings.length);
        b.put(types.array()).put(strings);
        return b.array();
    }

    /** INT "int"; STRUCT "pair" {int a @0; int b @32 bits}; FUNC "f" (type 0). */
    private static byte[] blob() {
        byte[] strings = "\0int\0pair\0a\0b\0f\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer types = ByteBuffer.allocate(16 + 12 + 24 + 12).order(ByteOrder.LITTLE_ENDIAN);
        types.putInt(1).putInt(1 << 24).putInt(4).putInt(0x0100_0020);            // [1] INT int
        types.putInt(5).putInt(4 << 24 | 2).putInt(8);                              // [2] STRUCT pair, 2 members
        types.putInt(10).putInt(1).putInt(0).putInt(12).putInt(1).putInt(32);       //     a @0, b @32 bits
        types.putInt(14).putInt(12 << 24).putInt(0);                                // [3] FUNC f
        return blob(types, strings);
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

    /**
     * INT int, INT char, ARRAY char[16], PTR to [5], STRUCT obj (kind_flag: bitfield encoding) of 40 bytes:
     * int id @0, char name[16] @32 bits, struct obj *next @192 bits, int flag:1 @256 bits.
     */
    private static byte[] objBlob() {
        byte[] strings = "\0int\0char\0obj\0id\0name\0next\0flag\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer types = ByteBuffer.allocate(16 + 16 + 24 + 12 + 12 + 48).order(ByteOrder.LITTLE_ENDIAN);
        types.putInt(1).putInt(1 << 24).putInt(4).putInt(32);                      // [1] INT int
        types.putInt(5).putInt(1 << 24).putInt(1).putInt(8);                       // [2] INT char
        types.putInt(0).putInt(3 << 24).putInt(0).putInt(2).putInt(1).putInt(16);  // [3] ARRAY char[16]
        types.putInt(0).putInt(2 << 24).putInt(5);                                 // [4] PTR -> [5]
        types.putInt(10).putInt(1 << 31 | 4 << 24 | 4).putInt(40);                  // [5] STRUCT obj
        types.putInt(14).putInt(1).putInt(0);                                      //     id
        types.putInt(17).putInt(3).putInt(32);                                     //     name
        types.putInt(22).putInt(4).putInt(192);                                    //     next
        types.putInt(27).putInt(1).putInt(1 << 24 | 256);                          //     flag:1
        return blob(types, strings);
    }

    @Test
    void membersHaveTheirSizesAndPointeesAndBitfieldsAreRefused() {
        KernelBtf btf = KernelBtf.parse(objBlob());
        assertEquals(java.util.Optional.of(new KernelBtf.Member(0, 4, "")), btf.member("obj", "id"));
        assertEquals(java.util.Optional.of(new KernelBtf.Member(4, 16, "")), btf.member("obj", "name"));
        assertEquals(java.util.Optional.of(new KernelBtf.Member(24, 8, "obj")), btf.member("obj", "next"));
        assertEquals(java.util.Optional.empty(), btf.member("obj", "flag"), "a bitfield cannot be read by bytes");
        assertEquals(java.util.Optional.empty(), btf.member("obj", "gone"), "a member this kernel lacks");
        assertEquals(java.util.Optional.empty(), btf.member("nothing", "id"));
    }

    @Test
    void vmlinuxMembersTheIteratorsReadExist() {
        Kernel.requireBpf();
        KernelBtf btf = KernelBtf.vmlinux();
        assertEquals("bpf_prog_aux", btf.member("bpf_prog", "aux").orElseThrow().pointee());
        assertEquals(16, btf.member("bpf_prog_aux", "name").orElseThrow().size());
        assertEquals(8, btf.member("bpf_prog_aux", "load_time").orElseThrow().size());
        assertEquals(4, btf.member("bpf_map", "id").orElseThrow().size());
        assertEquals(4, btf.member("user_struct", "uid.val").orElseThrow().size());
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
