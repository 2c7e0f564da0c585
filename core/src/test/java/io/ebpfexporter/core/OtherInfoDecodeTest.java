package io.ebpfexporter.core;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bpf_map_info, bpf_btf_info and the bpf_link_info header at their uapi offsets. */
class OtherInfoDecodeTest {

    private static ByteBuffer zeroed(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void mapInfo() {
        ByteBuffer b = zeroed(MapInfo.SIZE);
        b.putInt(0, 1).putInt(4, 61_001).putInt(8, 4).putInt(12, 8).putInt(16, 0xffff_fffe).putInt(20, 0x80);
        b.put(24, "eco_test_map".getBytes(StandardCharsets.US_ASCII));
        b.putInt(64, 16).putInt(68, 1).putInt(72, 2).putLong(80, 3);
        MapInfo m = MapInfo.decode(b, MapInfo.SIZE);
        assertEquals("hash", m.typeName());
        assertEquals(61_001, m.id());
        assertEquals(4, m.keySize());
        assertEquals(8, m.valueSize());
        assertEquals(4_294_967_294L, m.maxEntries(), "max_entries is a u32");
        assertEquals(0x80, m.mapFlags());
        assertEquals("eco_test_map", m.name());
        assertEquals(16, m.btfId());
        assertEquals(3, m.mapExtra());
        // Linux 5.15 returned 80 bytes: map_extra did not exist yet.
        assertEquals(0, MapInfo.decode(b, 80).mapExtra());
    }

    @Test
    void btfInfoReadsTheNameFromItsSideBuffer() {
        ByteBuffer b = zeroed(BtfInfo.SIZE);
        b.putInt(8, 5_515_646).putInt(12, 1).putInt(24, 7).putInt(28, 1);
        ByteBuffer name = zeroed(64).put(0, "vmlinux".getBytes(StandardCharsets.US_ASCII));
        BtfInfo btf = BtfInfo.decode(b, BtfInfo.SIZE, name);
        assertEquals(new BtfInfo(1, 5_515_646, "vmlinux", true), btf);

        ByteBuffer user = zeroed(BtfInfo.SIZE).putInt(8, 80).putInt(12, 16);
        BtfInfo anon = BtfInfo.decode(user, BtfInfo.SIZE, zeroed(64));
        assertEquals("", anon.name());
        assertFalse(anon.kernel());
        // A name_len larger than the side buffer (the kernel truncated it) stays within the buffer.
        b.putInt(24, 1000);
        assertTrue(BtfInfo.decode(b, BtfInfo.SIZE, name).name().startsWith("vmlinux"));
    }

    @Test
    void linkHeaderAndDetails() {
        ByteBuffer b = zeroed(LinkInfo.SIZE);
        b.putInt(0, 11).putInt(4, 21_200).putInt(8, 24_700).putInt(16, 5).putInt(20, 46);
        LinkInfo l = LinkInfo.decode(b, LinkInfo.SIZE);
        assertEquals("tcx", l.typeName());
        assertEquals(21_200, l.id());
        assertEquals(24_700, l.progId());
        assertEquals(5, l.u32(16));
        assertEquals(46, l.u32(20));
        assertEquals(0, LinkInfo.decode(b, 16).u32(16), "a header-only struct has no details");
        assertEquals(0, l.u64(60), "a field past the struct reads as zero");
    }

    @Test
    void kernelNamesPrintUnknownValuesAsNumbers() {
        assertEquals("socket_filter", KernelNames.progType(1));
        assertEquals("netfilter", KernelNames.progType(32));
        assertEquals("99", KernelNames.progType(99));
        assertEquals("arena", KernelNames.mapType(33));
        assertEquals("cgroup_storage", KernelNames.mapType(19));
        assertEquals("cgroup_inet_ingress", KernelNames.attachType(0));
        assertEquals("tcx_ingress", KernelNames.attachType(46));
        assertEquals("trace_uprobe_session", KernelNames.attachType(57));
        assertEquals("4294967295", KernelNames.attachType(-1));
        assertEquals("sockmap", KernelNames.linkType(14));
        assertEquals("16", KernelNames.linkType(16));
    }
}
