package io.ebpfexporter.core.info;

import io.ebpfexporter.core.bpf.BpfProgInfo;
import io.ebpfexporter.core.bpf.StructView;
import io.ebpfexporter.core.kernel.KernelNames;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * bpf_prog_info laid out by hand at the uapi's offsets (an independent check of the {@code BpfProgInfo}
 * declarations), full-size and as older kernels return it.
 */
class ProgInfoDecodeTest {

    private static ByteBuffer fixture() {
        ByteBuffer b = ByteBuffer.allocate(232).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 6).putInt(4, 123_456);
        b.put(8, new byte[] {(byte) 0xa0, 0x4f, 0x5e, (byte) 0xef, 0x06, (byte) 0xa7, (byte) 0xf5, 0x55});
        b.putInt(16, 25).putInt(20, 16);
        b.putLong(40, 9_876_543_210L);
        b.putInt(48, 0).putInt(52, 2);
        b.put(64, "xdp_pass".getBytes(StandardCharsets.US_ASCII));
        b.putInt(84, 1);
        b.putInt(128, 77);
        b.putLong(192, 60_005).putLong(200, 1000).putLong(208, 5);
        b.putInt(216, 2).putInt(220, 1).putInt(224, 64_130);
        return b;
    }

    @Test
    void decodesEveryFieldAtItsUapiOffset() {
        ProgInfo p = ProgInfo.decode(fixture(), 232);
        assertEquals(6, p.type());
        assertEquals("xdp", p.typeName(KernelNames.STANDARD));
        assertEquals(123_456, p.id());
        assertEquals("a04f5eef06a7f555", p.tag());
        assertEquals(25, p.jitedProgLen());
        assertEquals(16, p.xlatedProgLen());
        assertEquals(9_876_543_210L, p.loadTimeNs());
        assertEquals("xdp_pass", p.name());
        assertEquals(77, p.btfId());
        assertEquals(60_005, p.runTimeNs());
        assertEquals(1000, p.runCnt());
        assertEquals(5, p.recursionMisses());
        assertEquals(2, p.verifiedInsns());
    }

    @Test
    void fieldsAnOlderKernelDoesNotReturnAreAbsentNotZero() {
        // Linux 5.10 returns 208 bytes: run_time_ns and run_cnt, but no recursion_misses (5.12) or verified_insns (5.16).
        ProgInfo p = ProgInfo.decode(fixture(), 208);
        assertEquals("xdp_pass", p.name());
        assertEquals(77, p.btfId());
        assertEquals(60_005, p.runTimeNs());
        assertEquals(1000, p.runCnt());
        assertEquals(StructView.ABSENT, p.recursionMisses());
        assertEquals(StructView.ABSENT, p.verifiedInsns());
        // Linux 5.4 returned 192 bytes: no run statistics either.
        ProgInfo older = ProgInfo.decode(fixture(), 192);
        assertEquals(StructView.ABSENT, older.runTimeNs());
        assertEquals(StructView.ABSENT, older.runCnt());
        // 5.16's 220 bytes hold verified_insns.
        assertEquals(2, ProgInfo.decode(fixture(), 220).verifiedInsns());
    }

    @Test
    void fieldsASourceLeavesUnreportedAreAbsentNotZero() {
        // An iterator on a kernel whose BTF lacks aux->user and aux->btf fills neither.
        ProgInfo p = ProgInfo.decode(fixture(), 232, ByteBuffer.allocate(0),
                Set.of(BpfProgInfo.CREATED_BY_UID, BpfProgInfo.BTF_ID));
        assertEquals("xdp_pass", p.name());
        assertEquals(StructView.ABSENT, p.createdByUid());
        assertEquals(StructView.ABSENT, p.btfId());
        assertEquals(0, ProgInfo.decode(fixture(), 232).createdByUid());
    }

    @Test
    void declaredOffsetsAreTheUapis() {
        assertEquals(216, BpfProgInfo.VERIFIED_INSNS.offset());
        assertEquals("5.16", BpfProgInfo.VERIFIED_INSNS.since());
        assertEquals(224, BpfProgInfo.SIZE);
    }

    @Test
    void fullLengthNameHasNoTerminator() {
        ByteBuffer b = fixture();
        b.put(64, "abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII));
        assertEquals("abcdefghijklmnop", ProgInfo.decode(b, 232).name());
    }

    @Test
    void mapIdsComeFromTheSideBufferBoundedByItsCapacity() {
        ByteBuffer ids = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 41).putInt(4, 42);
        assertEquals(java.util.List.of(41, 42), ProgInfo.decode(fixture(), 232, ids).mapIds());
        ByteBuffer b = fixture();
        b.putInt(52, 1000); // more maps than the buffer holds: only what fits is read
        assertEquals(java.util.List.of(41, 42), ProgInfo.decode(b, 232, ids).mapIds());
        assertEquals(java.util.List.of(), ProgInfo.decode(fixture(), 232).mapIds());
    }

    @Test
    void truncatedAndOversizedBuffersNeverThrow() {
        ProgInfo empty = ProgInfo.decode(ByteBuffer.allocate(3), 3);
        assertEquals("", empty.name());
        assertEquals("", empty.tag());
        assertEquals(StructView.ABSENT, empty.verifiedInsns());
        ProgInfo big = ProgInfo.decode(ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN), 4096);
        assertEquals("unspec", big.typeName(KernelNames.STANDARD));
        assertEquals("0000000000000000", big.tag());
    }
}
