package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.CollectorMemory;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.Libc;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.FutureTask;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Programs this test puts in the slots of a prog_array it makes (BPF_MAP_UPDATE_ELEM with their fds): the
 * exact series the collector reports for each slot, compared with {@code bpftool -j map dump} of the same
 * map; a slot emptied, a prog_array past the bound of slots read per scrape, and a thread without
 * CAP_SYS_ADMIN, which may not open a map by id.
 */
class ProgArrayAttachmentsTest {
    private static final String FAMILY = "ebpf_program_prog_array_attachment_info";
    private static final Pattern SERIES = Pattern.compile(
            "(?m)^" + FAMILY + "\\{index=\"(\\d+)\",map_id=\"(\\d+)\",prog_id=\"(\\d+)\"} 1$");
    private static final Pattern DUMPED = Pattern.compile("\"key\":\\[([^]]*)],\"value\":\\[([^]]*)]");

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
        Kernel.requireTool("bpftool");
    }

    private static AttachmentsCollector collector() {
        AttachmentsCollector c = new AttachmentsCollector();
        c.configure(new MapSettings("attachments", Map.of(), Naming.STANDARD));
        return c;
    }

    private static String success(boolean answered) {
        return "ebpf_exporter_attachment_source_success{source=\"prog_array\"} " + (answered ? "1.0" : "0.0");
    }

    /** The slots of prog_array {@code map} that the series name, index → program id. */
    private static Map<Integer, Integer> series(String metrics, Fixtures.Made map) {
        Map<Integer, Integer> slots = new TreeMap<>();
        Matcher m = SERIES.matcher(metrics);
        while (m.find()) {
            if (Integer.parseInt(m.group(2)) == map.id()) {
                slots.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)));
            }
        }
        return slots;
    }

    /** The slots of {@code map} that {@code bpftool -j map dump} lists, index → program id (both u32, host order). */
    private static Map<Integer, Integer> dumped(Fixtures.Made map) {
        String json = HostSetup.run("bpftool", "-j", "map", "dump", "id", Integer.toString(map.id()));
        Map<Integer, Integer> slots = new TreeMap<>();
        Matcher m = DUMPED.matcher(json);
        while (m.find()) {
            slots.put(u32(m.group(1)), u32(m.group(2)));
        }
        return slots;
    }

    /** A u32 from bpftool's bytes ({@code "0x2a","0x00",…}), in host order. */
    private static int u32(String bytes) {
        String[] each = bytes.replace("\"", "").split(",");
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
        for (String one : each) {
            b.put((byte) Integer.parseInt(one.trim().substring(2), 16));
        }
        return b.getInt(0);
    }

    private static byte[] u32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    /** Puts {@code program} in slot {@code index} of {@code map}: the value written is its fd. */
    private static void put(Fixtures fx, Fixtures.Made map, int index, Fixtures.Made program) {
        fx.update(map, u32(index), u32(program.fd()));
    }

    @Test
    void eachFilledSlotIsOneSeriesAsBpftoolDumpsIt() {
        try (Fixtures fx = new Fixtures()) {
            var array = fx.map(Fixtures.MAP_PROG_ARRAY, 4, 4, 8, 0, "pa_slots");
            var first = fx.program(Fixtures.PROG_SOCKET_FILTER, "pa_first");
            var second = fx.program(Fixtures.PROG_SOCKET_FILTER, "pa_second");
            put(fx, array, 0, first);
            put(fx, array, 3, second);

            String m = Scrapes.text(collector());
            assertTrue(m.contains(FAMILY + "{index=\"0\",map_id=\"" + array.id() + "\",prog_id=\"" + first.id() + "\"} 1\n"), m);
            assertTrue(m.contains(FAMILY + "{index=\"3\",map_id=\"" + array.id() + "\",prog_id=\"" + second.id() + "\"} 1\n"), m);
            assertEquals(Map.of(0, first.id(), 3, second.id()), series(m, array), m);
            assertEquals(dumped(array), series(m, array), m);
            assertTrue(m.contains(success(true) + "\n"), m);

            assertTrue(fx.delete(array, 0));
            String emptied = Scrapes.text(collector());
            assertEquals(Map.of(3, second.id()), series(emptied, array), emptied);
            assertEquals(dumped(array), series(emptied, array), emptied);

            fx.close(array);
            assertEquals(Map.of(), series(Scrapes.text(collector()), array), "a freed prog_array has no series");
        }
    }

    /** A scrape reads at most MAX_SLOTS slots of all prog_arrays: one larger has its last slot unread, and says so. */
    @Test
    void slotsPastTheBoundAreNotReadAndTheSourceSaysSo() {
        try (Fixtures fx = new Fixtures()) {
            int last = ProgArrayAttachments.MAX_SLOTS;
            var array = fx.map(Fixtures.MAP_PROG_ARRAY, 4, 4, last + 1, 0, "pa_huge");
            var program = fx.program(Fixtures.PROG_SOCKET_FILTER, "pa_last");
            put(fx, array, last, program);
            assertEquals(Map.of(last, program.id()), dumped(array));

            String m = Scrapes.text(collector());
            assertFalse(series(m, array).containsKey(last), m);
            assertTrue(m.contains(success(false) + "\n"), m);
        }
    }

    /**
     * Opening a map by id needs CAP_SYS_ADMIN: a thread without it, its objects listed by iterators as the
     * exporter lists them under reduced privileges, says the source was refused and makes up no series.
     */
    @Test
    void withoutCapSysAdminTheSourceSaysItWasRefused() throws Exception {
        KernelFeatures.require(KernelFeatures.member("bpf_iter__bpf_map", "map"), "iter/bpf_map", "5.9");
        try (Fixtures fx = new Fixtures(); ObjectSource iterated = Scrapes.iterated()) {
            var array = fx.map(Fixtures.MAP_PROG_ARRAY, 4, 4, 4, 0, "pa_reduced");
            put(fx, array, 1, fx.program(Fixtures.PROG_SOCKET_FILTER, "pa_reduced"));
            ScrapeContext reduced = new ScrapeContext(2, new CollectorMemory(), Host.live(iterated));
            FutureTask<String> scrape = new FutureTask<>(() -> {
                Libc.dropEffective(Libc.CAP_SYS_ADMIN);
                return Scrapes.text(collector(), reduced);
            });
            Thread.ofPlatform().name("without-cap-sys-admin").start(scrape);

            String m = scrape.get();
            assertTrue(m.contains(success(false) + "\n"), m);
            assertFalse(m.contains(FAMILY + "{"), m);
        }
    }
}
