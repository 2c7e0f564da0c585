package io.ebpfexporter.core;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bpf_prog_info laid out by hand at the uapi offsets, full-size and as an older kernel returns it. */
class ProgInfoDecodeTest {

    private static ByteBuffer fixture() {
        ByteBuffer b = ByteBuffer.allocate(ProgInfo.SIZE).order(ByteOrder.LITTLE_ENDIAN);
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
        ProgInfo p = ProgInfo.decode(fixture(), ProgInfo.SIZE);
        assertEquals(6, p.type());
        assertEquals("xdp", p.typeName());
        assertEquals(123_456, p.id());
        assertEquals("a04f5eef06a7f555", p.tag());
        assertEquals(25, p.jitedProgLen());
        assertEquals(16, p.xlatedProgLen());
        assertEquals(9_876_543_210L, p.loadTimeNs());
        assertEquals(2, p.nrMapIds());
        assertEquals("xdp_pass", p.name());
        assertTrue(p.gplCompatible());
        assertEquals(77, p.btfId());
        assertEquals(60_005, p.runTimeNs());
        assertEquals(1000, p.runCnt());
        assertEquals(5, p.recursionMisses());
        assertEquals(2, p.verifiedInsns());
        assertEquals(1, p.attachBtfObjId());
        assertEquals(64_130, p.attachBtfId());
    }

    @Test
    void olderKernelsShorterStructLeavesNewerFieldsZero() {
        // Linux 5.4 returned 192 bytes: no run_time_ns, run_cnt, recursion_misses, verified_insns.
        ProgInfo p = ProgInfo.decode(fixture(), 192);
        assertEquals("xdp_pass", p.name());
        assertEquals(77, p.btfId());
        assertEquals(0, p.runTimeNs());
        assertEquals(0, p.runCnt());
        assertEquals(0, p.verifiedInsns());
    }

    @Test
    void fullLengthNameHasNoTerminator() {
        ByteBuffer b = fixture();
        b.put(64, "abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII));
        assertEquals("abcdefghijklmnop", ProgInfo.decode(b, ProgInfo.SIZE).name());
    }

    @Test
    void mapIdsComeFromTheSideBufferBoundedByItsCapacity() {
        ByteBuffer ids = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 41).putInt(4, 42);
        assertEquals(java.util.List.of(41, 42), ProgInfo.decode(fixture(), ProgInfo.SIZE, ids).mapIds());
        ByteBuffer b = fixture();
        b.putInt(52, 1000); // more maps than the buffer holds: only what fits is read
        assertEquals(java.util.List.of(41, 42), ProgInfo.decode(b, ProgInfo.SIZE, ids).mapIds());
        assertEquals(java.util.List.of(), ProgInfo.decode(fixture(), ProgInfo.SIZE).mapIds());
    }

    @Test
    void truncatedAndOversizedBuffersNeverThrow() {
        ProgInfo empty = ProgInfo.decode(ByteBuffer.allocate(3), 3);
        assertEquals("", empty.name());
        assertEquals("", empty.tag());
        assertFalse(empty.gplCompatible());
        ProgInfo big = ProgInfo.decode(ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN), 4096);
        assertEquals("unspec", big.typeName());
        assertEquals("0000000000000000", big.tag());
    }
}
