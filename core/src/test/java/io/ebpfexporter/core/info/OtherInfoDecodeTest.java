package io.ebpfexporter.core.info;

import io.ebpfexporter.core.bpf.BpfLinkInfo;
import io.ebpfexporter.core.bpf.BpfMapInfo;
import io.ebpfexporter.core.bpf.StructView;
import io.ebpfexporter.core.kernel.KernelNames;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bpf_map_info, bpf_btf_info and bpf_link_info laid out at the uapi's offsets: an independent check of
 * their declarations.
 */
class OtherInfoDecodeTest {

    private static ByteBuffer zeroed(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void mapInfo() {
        ByteBuffer b = zeroed(104);
        b.putInt(0, 1).putInt(4, 61_001).putInt(8, 4).putInt(12, 8).putInt(16, 0xffff_fffe).putInt(20, 0x80);
        b.put(24, "eco_test_map".getBytes(StandardCharsets.US_ASCII));
        b.putInt(44, 9_876).putInt(64, 16).putInt(68, 1).putInt(72, 2).putLong(80, 3);
        MapInfo m = MapInfo.decode(b, 104);
        assertEquals("hash", m.typeName(KernelNames.STANDARD));
        assertEquals(61_001, m.id());
        assertEquals(4, m.keySize());
        assertEquals(8, m.valueSize());
        assertEquals(4_294_967_294L, m.maxEntries(), "max_entries is a u32");
        assertEquals(0x80, m.mapFlags());
        assertEquals("eco_test_map", m.name());
        assertEquals(9_876, m.vmlinuxValueTypeId());
        assertEquals(StructView.ABSENT, MapInfo.decode(b, 40).vmlinuxValueTypeId(), "before 5.6: absent");
        assertEquals(m, MapInfo.decode(b, BpfMapInfo.SIZE), "the exporter asks for the fields it reads");
    }

    @Test
    void btfInfoReadsTheNameFromItsSideBuffer() {
        ByteBuffer b = zeroed(32);
        b.putInt(8, 5_515_646).putInt(12, 1).putInt(24, 7).putInt(28, 1);
        ByteBuffer name = zeroed(64).put(0, "vmlinux".getBytes(StandardCharsets.US_ASCII));
        BtfInfo btf = BtfInfo.decode(b, 32, name);
        assertEquals(new BtfInfo(1, 5_515_646, true, "vmlinux", true), btf);

        ByteBuffer user = zeroed(32).putInt(8, 80).putInt(12, 16);
        BtfInfo anon = BtfInfo.decode(user, 32, zeroed(64));
        assertEquals("", anon.name());
        assertFalse(anon.kernel());
        // A name_len larger than the side buffer (the kernel truncated it) stays within the buffer.
        b.putInt(24, 1000);
        assertTrue(BtfInfo.decode(b, 32, name).name().startsWith("vmlinux"));
        // Linux 5.10's struct ends after id: no name and no kernel_btf.
        BtfInfo old = BtfInfo.decode(zeroed(32).putInt(8, 80).putInt(12, 3), 16, zeroed(64));
        assertEquals(new BtfInfo(3, 80, false, "", false), old);
    }

    @Test
    void linkHeaderAndDetails() {
        ByteBuffer b = zeroed(64);
        b.putInt(0, 11).putInt(4, 21_200).putInt(8, 24_700).putInt(16, 5).putInt(20, 46);
        LinkInfo l = LinkInfo.decode(b, 64);
        assertEquals("tcx", l.typeName(KernelNames.STANDARD));
        assertEquals(21_200, l.id());
        assertEquals(24_700, l.progId());
        assertEquals(5, l.u32(BpfLinkInfo.Device.IFINDEX));
        assertEquals(46, l.u32(BpfLinkInfo.Device.ATTACH_TYPE));
        assertFalse(l.unionEmpty());
        LinkInfo header = LinkInfo.decode(b, 16);
        assertEquals(0, header.u32(BpfLinkInfo.Device.IFINDEX), "a header-only struct has no details");
        assertTrue(header.unionEmpty());
    }

    @Test
    void kernelNamesPrintUnknownValuesAsNumbers() {
        assertEquals("socket_filter", KernelNames.STANDARD.progType(1));
        assertEquals("netfilter", KernelNames.STANDARD.progType(32));
        assertEquals("99", KernelNames.STANDARD.progType(99));
        assertEquals("arena", KernelNames.STANDARD.mapType(33));
        assertEquals("cgroup_storage", KernelNames.STANDARD.mapType(19));
        assertEquals("cgroup_inet_ingress", KernelNames.STANDARD.attachType(0));
        assertEquals("tcx_ingress", KernelNames.STANDARD.attachType(46));
        assertEquals("trace_uprobe_session", KernelNames.STANDARD.attachType(57));
        assertEquals("4294967295", KernelNames.STANDARD.attachType(-1));
        assertEquals("sockmap", KernelNames.STANDARD.linkType(14));
        assertEquals("16", KernelNames.STANDARD.linkType(16));
    }

    /** The seed's spellings at the edges of its tables (cilium/ebpf v0.19 and its link.go). */
    @Test
    void seedNamesMatchTheSeedAtTheEdgesOfItsTables() {
        assertEquals("UnspecifiedProgram", KernelNames.SEED.progType(0));
        assertEquals("Netfilter", KernelNames.SEED.progType(32));
        assertEquals("ProgramType(33)", KernelNames.SEED.progType(33));
        assertEquals("CgroupStorage", KernelNames.SEED.mapType(32));
        assertEquals("Arena", KernelNames.SEED.mapType(33));
        assertEquals("MapType(34)", KernelNames.SEED.mapType(34));
        assertEquals("KPROBE_MULTI", KernelNames.SEED.linkType(8));
        assertEquals("9", KernelNames.SEED.linkType(9));
        assertEquals("NETKIT", KernelNames.SEED.linkType(13));
        assertEquals("14", KernelNames.SEED.linkType(14));
        assertEquals("CGROUP_INET_INGRESS", KernelNames.SEED.attachType(0));
        assertEquals("NETKIT_PEER", KernelNames.SEED.attachType(55));
        assertEquals("56", KernelNames.SEED.attachType(56));
        assertEquals("EVENT", KernelNames.SEED.perfEventType(6));
        assertEquals("7", KernelNames.SEED.perfEventType(7));
    }
}
