package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The landing page's live view in a real browser: Debian's headless chromium renders it while a fixture
 * program runs and a fixture hash map is nearly full; the rendered tables must show both. The screenshot
 * is kept in target/live-view.png.
 */
class LiveViewBrowserTest {
    private static final Path TARGET = Path.of(System.getProperty("basedir", ".")).resolve("target");

    private static String chromium(String chromium, String url, String... what) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + Files.createTempDirectory("chromium"), "--virtual-time-budget=15000"));
        command.addAll(List.of(what));
        command.add(url);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium ended");
        assertEquals(0, p.exitValue(), String.join(" ", command));
        return out;
    }

    @Test
    void theBrowserShowsARunningProgramAndAFullMap() throws Exception {
        Kernel.requireBpf();
        String chromium = Kernel.requireTool("chromium");
        try (Fixtures fx = new Fixtures(); ExporterProcess exporter = ExporterProcess.start(BusyHost.CONFIG);
             BusyHost busy = new BusyHost(fx, "live")) {
            Fixtures.Made program = busy.program;
            Fixtures.Made map = busy.map;
            String url = "http://127.0.0.1:" + exporter.port() + "/";
            String dom = chromium(chromium, url, "--dump-dom");
            Matcher row = Pattern.compile("<tr data-prog-id=\"" + program.id() + "\"><td>live_runs</td><td class=\"n\">"
                    + program.id() + "</td><td>socket_filter</td><td class=\"n\">([0-9.]+)</td>").matcher(dom);
            assertTrue(row.find(), "the program's row in the rendered page:\n" + dom);
            assertTrue(Double.parseDouble(row.group(1)) > 0, "runs/s " + row.group(1));
            assertTrue(dom.contains("<tr data-map-id=\"" + map.id() + "\"><td>live_full</td>"), dom);
            assertTrue(dom.contains("<td class=\"n\">95</td><td class=\"n\">100</td><td class=\"n\">95.0 %</td>"), dom);
            assertTrue(dom.contains("id=\"stats-note\" class=\"note\" hidden"), "no statistics warning: " + dom);
            Path shot = TARGET.resolve("live-view.png");
            Files.deleteIfExists(shot);
            chromium(chromium, url, "--window-size=1100,800", "--screenshot=" + shot);
            assertTrue(Files.size(shot) > 10_000, "a screenshot in " + shot);
        }
    }

    @Test
    void thePageSaysWhenStatisticsAreOff() throws Exception {
        Kernel.requireBpf();
        String chromium = Kernel.requireTool("chromium");
        try (Fixtures fx = new Fixtures(); ExporterProcess exporter = ExporterProcess.start("")) {
            fx.program(Fixtures.PROG_SOCKET_FILTER, "live_quiet");
            String dom = chromium(chromium, "http://127.0.0.1:" + exporter.port() + "/", "--dump-dom");
            // another process may have set the sysctl, and then the counters are live and reported
            assertEquals(!sysctlOn(), dom.contains("<p id=\"stats-note\" class=\"note\">Program statistics are off"), dom);
            assertTrue(dom.contains("<p id=\"maps-note\" class=\"note\">Map fill needs entry counting"), dom);
        }
    }

    private static boolean sysctlOn() throws Exception {
        return Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled")).trim().equals("1");
    }
}
