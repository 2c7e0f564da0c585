package io.ebpfexporter.collector.programs;

import io.ebpfexporter.testkit.Bpftool;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Program sizes, memlock and load time against bpftool's figures for the same programs. */
class ProgramsCollectorTest {

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
    }

    static double series(String metrics, String name, int id) {
        String value = Scrapes.value(metrics, name, "prog_id", id);
        assertNotNull(value, name + " for " + id + " in\n" + metrics);
        return Double.parseDouble(value);
    }

    @Test
    void figuresMatchBpftool() throws Exception {
        try (Fixtures fx = new Fixtures()) {
            var filter = fx.program(Fixtures.PROG_SOCKET_FILTER, "pc_filter");
            var xdp = fx.program(Fixtures.PROG_XDP, "pc_xdp", Fixtures.ATTACH_XDP, 2);
            String metrics = Scrapes.text(new ProgramsCollector());
            for (var made : new Fixtures.Made[] {filter, xdp}) {
                String json = Bpftool.show("prog", made.id());
                assertEquals(Double.parseDouble(Bpftool.field(json, "bytes_xlated")),
                        series(metrics, "ebpf_program_translated_bytes", made.id()));
                assertEquals(Double.parseDouble(Bpftool.field(json, "bytes_jited")),
                        series(metrics, "ebpf_program_jited_bytes", made.id()));
                assertEquals(Double.parseDouble(Bpftool.field(json, "bytes_memlock")),
                        series(metrics, "ebpf_program_memlock_bytes", made.id()));
                assertEquals(Double.parseDouble(Bpftool.field(json, "loaded_at")),
                        series(metrics, "ebpf_program_loaded_timestamp_seconds", made.id()), 2.0,
                        "load time within the 1 s resolution of bpftool and /proc/uptime");
                // r0 = N; exit: the verifier walks both instructions (bpftool does not print this field).
                if (KernelFeatures.member("bpf_prog_info", "verified_insns")) {
                    assertEquals(2.0, series(metrics, "ebpf_program_verified_instructions", made.id()));
                } else {
                    KernelFeatures.missing("bpf_prog_info.verified_insns", "5.16");
                    assertNull(Scrapes.value(metrics, "ebpf_program_verified_instructions", "prog_id", made.id()));
                }
            }
            assertTrue(Math.abs(series(metrics, "ebpf_program_loaded_timestamp_seconds", filter.id())
                    - System.currentTimeMillis() / 1000.0) < 60, "loaded just now");
            ProgramsCollector collector = new ProgramsCollector();
            double first = series(Scrapes.text(collector), "ebpf_program_loaded_timestamp_seconds", filter.id());
            for (int i = 0; i < 5; i++) {
                Thread.sleep(7); // across /proc/uptime's 10 ms steps
                assertEquals(first, series(Scrapes.text(collector), "ebpf_program_loaded_timestamp_seconds", filter.id()),
                        "the same load time in every scrape, not one jittering by milliseconds");
            }
        }
        assertFalse(Scrapes.text(new ProgramsCollector()).contains("prog_name=\"pc_filter\""));
    }

    @Test
    void infoCarriesBtfAndUidAndMapsAreListedAsBpftoolSeesThem() throws Exception {
        try (Fixtures fx = new Fixtures()) {
            var first = fx.map(Fixtures.MAP_HASH, 4, 8, 16, 0, "pc_first");
            var second = fx.map(Fixtures.MAP_ARRAY, 4, 8, 4, 0, "pc_second");
            var user = fx.programUsing(first, "pc_user");
            var both = fx.programUsing(second, "pc_other");
            String metrics = Scrapes.text(new ProgramsCollector());
            String json = Bpftool.show("prog", user.id());
            assertTrue(json.contains("\"map_ids\":[" + first.id() + "]"), json);
            assertTrue(metrics.contains("ebpf_program_map_info{map_id=\"" + first.id() + "\",prog_id=\"" + user.id()
                    + "\"} 1"), metrics);
            assertTrue(metrics.contains("ebpf_program_map_info{map_id=\"" + second.id() + "\",prog_id=\"" + both.id()
                    + "\"} 1"), metrics);
            assertFalse(metrics.contains("map_id=\"" + second.id() + "\",prog_id=\"" + user.id() + "\""), metrics);
            assertTrue(metrics.contains("ebpf_program_info{btf_id=\"0\",created_by_uid=\"" + Bpftool.field(json, "uid")
                    + "\",prog_id=\"" + user.id() + "\",prog_name=\"pc_user\",prog_type=\"socket_filter\""), metrics);
            if (KernelFeatures.member("bpf_prog_info", "recursion_misses")) {
                assertEquals(0.0, series(metrics, "ebpf_program_recursion_misses_total", user.id()));
            } else {
                KernelFeatures.missing("bpf_prog_info.recursion_misses", "5.12");
                assertNull(Scrapes.value(metrics, "ebpf_program_recursion_misses_total", "prog_id", user.id()));
            }
        }
    }

    /** A name the kernel cut at 15 characters is completed from BTF func info, as bpftool shows it. */
    @Test
    void aCutNameIsCompletedFromItsFuncInfoAsBpftoolShowsIt() throws Exception {
        String function = "tn_a_function_name_of_30_chars";
        try (Fixtures fx = new Fixtures()) {
            var cut = fx.programWithFuncInfo(function);
            var whole = fx.programWithFuncInfo("tn_short_name");
            String metrics = Scrapes.text(new ProgramsCollector());
            assertTrue(metrics.contains("ebpf_program_full_name_info{full_name=\"" + function + "\",prog_id=\""
                    + cut.id() + "\"} 1"), metrics);
            assertEquals(function, Bpftool.field(Bpftool.show("prog", cut.id()), "name"), "bpftool's full name");
            assertFalse(metrics.contains("full_name_info{full_name=\"tn_short_name\""), "a whole name needs none");
            assertTrue(metrics.contains("prog_id=\"" + whole.id() + "\",prog_name=\"tn_short_name\""), metrics);
        }
    }
}
