package io.ebpfexporter.collector.links;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Netlink attributes laid out as the kernel writes them (rtattr headers, 4-byte padding, nesting), and bad ones. */
class NetlinkAttributesTest {

    /** An attribute: u16 length (header included), u16 type, the payload, padded to 4 bytes. */
    private static byte[] attribute(int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate((4 + payload.length + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putShort((short) (4 + payload.length)).putShort((short) type).put(payload);
        return b.array();
    }

    private static byte[] u32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static ByteBuffer message(int headerBytes, byte[] attributes) {
        return ByteBuffer.wrap(concat(new byte[headerBytes], attributes)).order(ByteOrder.nativeOrder());
    }

    @Test
    void readsStringsNumbersAndNestedAttributesAfterTheFamilyHeader() {
        byte[] xdp = attribute(43 | 0x8000, concat(attribute(2, new byte[] {2}), attribute(4, u32(0xFFFF_FFF0))));
        NetlinkAttributes link = new NetlinkAttributes(message(16,
                concat(attribute(3, "eth0\0".getBytes(StandardCharsets.US_ASCII)), xdp)), 16);
        assertEquals("eth0", link.string(3));
        NetlinkAttributes nested = link.nested(43);
        assertEquals(2, nested.u8(2));
        assertEquals("4294967280", nested.u32(4), "unsigned");
        assertEquals("", nested.u32(5), "absent");
        assertEquals(-1, nested.u8(7));
        assertNull(link.nested(44));
        assertTrue(nested.has(4));
        assertFalse(nested.has(6));
    }

    private static NetlinkAttributes xdp(byte[]... attributes) {
        return new NetlinkAttributes(ByteBuffer.wrap(concat(attributes)).order(ByteOrder.nativeOrder()), 0);
    }

    @Test
    void xdpNamesOneProgramOrOnePerModeWhenSeveralAreAttached() {
        assertEquals(List.of(new XdpAttachments.Program(7, "generic")),
                XdpAttachments.programs(xdp(attribute(2, new byte[] {2}), attribute(4, u32(7)))));
        assertEquals(List.of(new XdpAttachments.Program(8, "driver"), new XdpAttachments.Program(9, "offload")),
                XdpAttachments.programs(xdp(attribute(2, new byte[] {4}), attribute(5, u32(8)), attribute(7, u32(9)))),
                "XDP_ATTACHED_MULTI: each mode's own id");
        assertEquals(List.of(), XdpAttachments.programs(xdp(attribute(2, new byte[] {0}))), "XDP_ATTACHED_NONE");
        assertEquals(List.of(), XdpAttachments.programs(null), "no IFLA_XDP");
        assertEquals(List.of(), XdpAttachments.programs(xdp(attribute(2, new byte[] {9}), attribute(4, u32(7)))),
                "a mode this build does not know is not guessed");
    }

    @Test
    void anAttributeRunningPastItsMessageIsRefused() {
        byte[] good = attribute(1, "bpf\0".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer longer = ByteBuffer.wrap(good.clone()).order(ByteOrder.nativeOrder()).putShort(0, (short) 40);
        assertThrows(IllegalStateException.class, () -> new NetlinkAttributes(longer, 0));
        ByteBuffer tooShort = ByteBuffer.wrap(good.clone()).order(ByteOrder.nativeOrder()).putShort(0, (short) 2);
        assertThrows(IllegalStateException.class, () -> new NetlinkAttributes(tooShort, 0));
        assertEquals("bpf", new NetlinkAttributes(ByteBuffer.wrap(good).order(ByteOrder.nativeOrder()), 0).string(1));
    }

    @Test
    void everySourceIsProvidedInBothLists() throws Exception {
        Path module = Path.of(System.getProperty("basedir", ".")).resolve("../collector-links").normalize();
        String moduleInfo = Files.readString(module.resolve("src/main/java/module-info.java"));
        List<String> services = Files.readAllLines(
                module.resolve("src/main/resources/META-INF/services/io.ebpfexporter.collector.links.AttachmentSource"));
        for (String provider : services) {
            String simple = provider.substring(provider.lastIndexOf('.') + 1);
            assertTrue(moduleInfo.matches("(?s).*provides AttachmentSource with[^;]*\\b" + simple + "\\b.*"),
                    simple + " provided in module-info.java");
        }
        assertEquals(List.of("cgroup", "netkit", "netns", "perf_event", "prog_array", "sockmap", "tc", "tcx", "xdp"),
                new AttachmentsCollector().sourceNames());
    }
}
