package io.ebpfexporter.core.info;

import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.bpf.StructView;
import io.ebpfexporter.core.kernel.KernelNames;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every struct decoder fed random, truncated and oversized bytes with any info_len (a seeded loop, so a
 * failure reproduces): nothing but a decoded value comes out, and enum values no table knows print as
 * their numbers. The BTF reader gets mutated and truncated copies of a real blob: it answers or
 * refuses with IllegalArgumentException, never anything else.
 */
class DecoderFuzzTest {
    private static final long SEED = 20261125L;
    private static final int ROUNDS = 20_000;

    private static ByteBuffer randomBuffer(Random random) {
        byte[] bytes = new byte[random.nextInt(400)];
        random.nextBytes(bytes);
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    private static int randomInfoLen(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt();
            case 1 -> -random.nextInt(16);
            default -> random.nextInt(600);
        };
    }

    @Test
    void structDecodersNeverThrow() {
        Random random = new Random(SEED);
        for (int round = 0; round < ROUNDS; round++) {
            ByteBuffer info = randomBuffer(random);
            int infoLen = randomInfoLen(random);
            ProgInfo prog = ProgInfo.decode(info, infoLen, randomBuffer(random));
            assertFalse(prog.typeName(KernelNames.STANDARD).isEmpty());
            assertTrue(prog.mapIds().size() <= 100, "map ids are bounded by the side buffer");
            MapInfo map = MapInfo.decode(info, infoLen);
            assertFalse(map.typeName(KernelNames.STANDARD).isEmpty());
            BtfInfo.decode(info, infoLen, randomBuffer(random));
            LinkInfo link = LinkInfo.decode(info, infoLen);
            assertFalse(link.typeName(KernelNames.STANDARD).isEmpty());
            link.unionEmpty();
            StructView view = new StructView(info, infoLen);
            int offset = random.nextInt(700);
            view.u32OrAbsent(new Field("fuzz", "u32", offset, 4, "0"));
            view.u64OrAbsent(new Field("fuzz", "u64", offset, 8, "0"));
            Field bytes = new Field("fuzz", "bytes", offset, 1 + random.nextInt(16), "0");
            view.cString(bytes);
            view.hex(bytes);
            byte[] text = new byte[random.nextInt(300)];
            random.nextBytes(text);
            new FdInfo(text).number("memlock");
        }
    }

    @Test
    void unknownEnumValuesPrintAsNumbers() {
        for (int value : new int[] {-1, 999, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            String unsigned = Integer.toUnsignedString(value);
            assertEquals(unsigned, KernelNames.STANDARD.progType(value));
            assertEquals(unsigned, KernelNames.STANDARD.mapType(value));
            assertEquals(unsigned, KernelNames.STANDARD.attachType(value));
            assertEquals(unsigned, KernelNames.STANDARD.linkType(value));
            assertEquals(unsigned, KernelNames.STANDARD.perfEventType(value));
            assertEquals("ProgramType(" + unsigned + ")", KernelNames.SEED.progType(value));
            assertEquals("MapType(" + unsigned + ")", KernelNames.SEED.mapType(value));
            assertEquals(unsigned, KernelNames.SEED.attachType(value));
            assertEquals(unsigned, KernelNames.SEED.linkType(value));
            assertEquals(unsigned, KernelNames.SEED.perfEventType(value));
        }
    }

    @Test
    void btfReaderAnswersOrRefusesMutatedBlobs() throws Exception {
        byte[] vmlinux = Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux"));
        byte[] sample = java.util.Arrays.copyOf(vmlinux, Math.min(vmlinux.length, 64 * 1024));
        // keep the header's section lengths consistent with the shortened copy, so types get parsed
        ByteBuffer header = ByteBuffer.wrap(sample).order(ByteOrder.LITTLE_ENDIAN);
        int hdrLen = header.getInt(4);
        header.putInt(8, 0).putInt(12, sample.length - hdrLen - 64).putInt(16, sample.length - hdrLen - 64).putInt(20, 64);
        Random random = new Random(SEED);
        for (int round = 0; round < 300; round++) {
            byte[] blob = java.util.Arrays.copyOf(sample, random.nextBoolean() ? sample.length : random.nextInt(sample.length));
            for (int flips = random.nextInt(64); flips > 0; flips--) {
                blob[random.nextInt(blob.length)] = (byte) random.nextInt();
            }
            try {
                KernelBtf btf = KernelBtf.parse(blob);
                for (int id = 0; id < Math.min(btf.typeCount(), 200); id++) {
                    btf.name(id);
                    btf.kind(id);
                    btf.member(btf.name(id), "id"); // the iterators' lookup: sizes, pointees, bitfields
                }
                btf.member("bpf_prog", "aux");
                btf.find(KernelBtf.KIND_FUNC, "bpf_map_sum_elem_count");
                btf.memberOffset("bpf_iter__bpf_map", "map");
                btf.memberOffset("task_struct", "pid");
            } catch (IllegalArgumentException refused) {
                // a malformed blob is refused: the documented answer
            }
        }
    }

    @Test
    void btfStructContainingItselfEndsTheSearch() {
        // [1] STRUCT "s", one anonymous member of type 1 (itself) at offset 0
        ByteBuffer b = ByteBuffer.allocate(24 + 24 + 3).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(24).putInt(24).putInt(3);
        b.putInt(1).putInt((KernelBtf.KIND_STRUCT << 24) | 1).putInt(4);
        b.putInt(0).putInt(1).putInt(0);
        b.put((byte) 0).put((byte) 's').put((byte) 0);
        KernelBtf btf = KernelBtf.parse(b.array());
        assertEquals("s", btf.name(1));
        assertTrue(btf.memberOffset("s", "missing").isEmpty());
        assertTrue(btf.member("s", "missing").isEmpty());
    }
}
