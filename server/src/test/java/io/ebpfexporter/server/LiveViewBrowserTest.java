package io.ebpfexporter.server;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.Libc;
import io.ebpfexporter.testkit.LinkRecipes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The landing page's live view in a real browser: Debian's headless chromium renders it while a fixture
 * program runs, a fixture hash map is nearly full, a running XDP program is attached to a veth and a
 * running program to a tracepoint's perf event; the rendered tables must show them all, and where each
 * program runs. The screenshot is kept in target/live-view.png.
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

    /** The rendered row of program {@code id}. */
    private static String row(String dom, int id) {
        Matcher row = Pattern.compile("<tr data-prog-id=\"" + id + "\">.*?</tr>").matcher(dom);
        assertTrue(row.find(), "program " + id + "'s row in the rendered page:\n" + dom);
        return row.group();
    }

    @Test
    void theBrowserShowsARunningProgramAFullMapAndWhereAProgramIsAttached() throws Exception {
        Kernel.requireBpf();
        Kernel.requireTool("ip");
        String chromium = Kernel.requireTool("chromium");
        Path pin = Path.of("/sys/fs/bpf/live_xdp" + ProcessHandle.current().pid());
        try (Fixtures fx = new Fixtures(); ExporterProcess exporter = ExporterProcess.start(BusyHost.CONFIG_WITH_ATTACHMENTS);
             BusyHost busy = new BusyHost(fx, "live"); HostSetup host = new HostSetup(); Fixtures xdpKit = new Fixtures();
             Fixtures tpKit = new Fixtures()) {
            Fixtures.Made program = busy.program;
            Fixtures.Made map = busy.map;
            String veth = host.veth(host.netns());
            Fixtures.Made xdp = xdpKit.program(Fixtures.PROG_XDP, "live_xdp", 0, 2);
            xdpKit.pin(xdp, pin.toString());
            HostSetup.run("ip", "link", "set", "dev", veth, "xdpgeneric", "pinned", pin.toString());
            int event = new LinkRecipes(tpKit, host).tracepointEvent();
            Fixtures.Made tracepoint = tpKit.program(Fixtures.PROG_TRACEPOINT, "live_tp");
            Libc.perfEventSetBpf(event, tracepoint.fd());
            try (RunningProgram running = new RunningProgram(xdpKit, xdp); RunningProgram traced = getppidOnCpu0()) {
                String dom = assertTheBrowserShows(chromium, "http://127.0.0.1:" + exporter.port() + "/", program, map, xdp, veth);
                String row = row(dom, tracepoint.id());
                assertTrue(row.endsWith("<td class=\"att\"><div>tracepoint sys_enter_getppid (pid " + ProcessHandle.current().pid()
                        + ", fd " + event + ")</div></td></tr>"), row);
            } finally {
                Files.deleteIfExists(pin);
            }
        }
    }

    /** The rendered page, once it shows the busy host's program and map and the XDP program on {@code veth}. */
    private static String assertTheBrowserShows(String chromium, String url, Fixtures.Made program, Fixtures.Made map,
                                                Fixtures.Made xdp, String veth) throws Exception {
        String dom = chromium(chromium, url, "--dump-dom");
        Matcher runs = Pattern.compile("^<tr data-prog-id=\"" + program.id() + "\"><td>live_runs</td><td class=\"n\">"
                + program.id() + "</td><td>socket_filter</td><td class=\"n\">([0-9.]+)</td>").matcher(row(dom, program.id()));
        assertTrue(runs.find(), "the program's row in the rendered page:\n" + dom);
        assertTrue(Double.parseDouble(runs.group(1)) > 0, "runs/s " + runs.group(1));
        assertTrue(row(dom, program.id()).endsWith("<td class=\"att muted\">none</td></tr>"), "attached nowhere: " + dom);
        String attached = row(dom, xdp.id());
        assertTrue(attached.startsWith("<tr data-prog-id=\"" + xdp.id() + "\"><td>live_xdp</td>"), attached);
        assertTrue(attached.endsWith("<td class=\"att\"><div>xdp on " + veth + " (generic)</div></td></tr>"), attached);
        assertTrue(dom.contains("<th id=\"attachments-head\">attached to</th>"), dom);
        assertTrue(dom.contains("<tr data-map-id=\"" + map.id() + "\"><td>live_full</td>"), dom);
        assertTrue(dom.contains("<td class=\"n\">95</td><td class=\"n\">100</td><td class=\"n\">95.0 %</td>"), dom);
        assertTrue(dom.contains("id=\"stats-note\" class=\"note\" hidden"), "no statistics warning: " + dom);
        assertTrue(dom.contains("id=\"attachments-note\" class=\"note\" hidden"), "no attachments warning: " + dom);
        Path shot = TARGET.resolve("live-view.png");
        Files.deleteIfExists(shot);
        chromium(chromium, url, "--window-size=1100,800", "--screenshot=" + shot);
        assertTrue(Files.size(shot) > 10_000, "a screenshot in " + shot);
        return dom;
    }

    /**
     * getppid on CPU 0, where {@link LinkRecipes#tracepointEvent()} counts, a hundred calls a millisecond:
     * the program on it runs, and its row is among those the page lists however many programs are loaded.
     */
    private static RunningProgram getppidOnCpu0() {
        Function getppid = Function.getFunction("c", "getppid");
        Function setAffinity = Function.getFunction("c", "sched_setaffinity");
        Memory cpu0 = new Memory(8);
        cpu0.setLong(0, 1);
        return new RunningProgram(() -> {
            setAffinity.invokeInt(new Object[] {0, 8L, cpu0}); // pid 0: the runner's own thread
            for (int i = 0; i < 100; i++) {
                getppid.invokeInt(new Object[0]);
            }
            LockSupport.parkNanos(1_000_000);
        });
    }

    @Test
    void thePageSaysWhenStatisticsAndAttachmentsAreOff() throws Exception {
        Kernel.requireBpf();
        String chromium = Kernel.requireTool("chromium");
        try (Fixtures fx = new Fixtures(); ExporterProcess exporter = ExporterProcess.start("")) {
            fx.program(Fixtures.PROG_SOCKET_FILTER, "live_quiet");
            String dom = chromium(chromium, "http://127.0.0.1:" + exporter.port() + "/", "--dump-dom");
            // another process may have set the sysctl, and then the counters are live and reported
            assertEquals(!sysctlOn(), dom.contains("<p id=\"stats-note\" class=\"note\">Program statistics are off"), dom);
            assertTrue(dom.contains("<p id=\"maps-note\" class=\"note\">Map fill needs entry counting"), dom);
            assertTrue(dom.contains("<p id=\"attachments-note\" class=\"note\">Attachments are not collected"), dom);
            assertTrue(dom.contains("<th id=\"attachments-head\" hidden=\"\">attached to</th>"), dom);
        }
    }

    private static boolean sysctlOn() throws Exception {
        return Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled")).trim().equals("1");
    }
}
