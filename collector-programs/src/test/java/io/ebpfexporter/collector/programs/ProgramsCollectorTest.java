package io.ebpfexporter.collector.programs;

import io.ebpfexporter.testkit.Bpftool;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Program sizes, memlock and load time against bpftool's figures for the same programs. */
class ProgramsCollectorTest {

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
    }

    private static double series(String metrics, String name, int id) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{prog_id=\"" + id + "\"} (\\S+)$").matcher(metrics);
        assertTrue(m.find(), name + " for " + id + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
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
                assertEquals(2.0, series(metrics, "ebpf_program_verified_instructions", made.id()));
            }
            assertTrue(Math.abs(series(metrics, "ebpf_program_loaded_timestamp_seconds", filter.id())
                    - System.currentTimeMillis() / 1000.0) < 60, "loaded just now");
        }
        assertFalse(Scrapes.text(new ProgramsCollector()).contains("prog_name=\"pc_filter\""));
    }
}
