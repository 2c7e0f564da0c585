package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed's flags and the exporter conventions, each through the real launcher. */
class SeedFlagsTest {

    private static Map<String, String> flags(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    private static String get(ExporterProcess exporter, String path) throws Exception {
        HttpResponse<byte[]> r = exporter.request("GET", path);
        assertEquals(200, r.statusCode(), path);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void seedFlagsOverrideTheConfig() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("", "collectors:\n  btf:\n    enabled: true\n",
                flags("--prog-stats-mode", "enabled", "--map-count-entries", "", "--no-collector.btf", "",
                        "--collector.link", "false", "--metrics-path", "/probe", "--log-level", "debug"))) {
            String metrics = get(exporter, "/probe");
            assertTrue(metrics.contains("ebpf_exporter_program_stats_enabled 1.0"), metrics);
            assertFalse(metrics.contains("collector=\"btf\""), metrics);
            assertFalse(metrics.contains("collector=\"links\""), metrics);
            assertTrue(exporter.output().contains("collectors on: maps, programs (program stats always on"),
                    exporter.output());
            assertEquals(404, exporter.request("GET", "/metrics").statusCode());
            long deadline = System.nanoTime() + 5_000_000_000L; // --log-level debug: one line per scrape
            while (!exporter.output().contains("scrape: ") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(exporter.output().matches("(?s).* DEBUG \\S+: scrape: \\d+ series in \\d+ families, \\d+ bytes of"
                    + " text/plain.*"), "labelled as --log-level names it:\n" + exporter.output());
        }
    }

    @Test
    void flagsOutrankEnvironmentWhichOutranksTheFile() throws Exception {
        Kernel.requireBpf();
        String yaml = "collectors:\n  programs:\n    stats:\n      mode: enabled\n";
        String alwaysOn = "programs (program stats always on";
        try (ExporterProcess fileOnly = ExporterProcess.start("", yaml)) {
            assertTrue(fileOnly.output().contains(alwaysOn), fileOnly.output());
        }
        try (ExporterProcess envOverFile = ExporterProcess.start("", yaml,
                flags("COLLECTORS_PROGRAMS_STATS_MODE", "disabled"))) {
            assertFalse(envOverFile.output().contains(alwaysOn), envOverFile.output());
        }
        try (ExporterProcess flagOverEnv = ExporterProcess.start("", "",
                flags("COLLECTORS_PROGRAMS_STATS_MODE", "disabled", "--collectors.programs.stats.mode", "enabled"))) {
            assertTrue(flagOverEnv.output().contains(alwaysOn), flagOverEnv.output());
        }
    }

    @Test
    void singleDashFlagsWorkAsInGo() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("", "",
                flags("-prog-stats-mode", "enabled", "-metrics-path", "/single"))) {
            assertTrue(get(exporter, "/single").contains("ebpf_exporter_program_stats_enabled 1.0"));
        }
        ExporterProcess.run("-bogus").assertOneLineError("unknown flag '-bogus'");
    }

    @Test
    void disableDefaultsAndSampleDurations() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("", "", flags("--collector.disable-defaults", "",
                "--collector.prog", "", "--prog-stats-mode", "sample", "--prog-stats-sample-interval", "1m30s",
                "--prog-stats-sample-duration", "5s", "--web.telemetry-path", "/m"))) {
            String metrics = get(exporter, "/m");
            assertTrue(exporter.output().contains("collectors on: programs (program stats sampled 5s every 1m30s:"
                    + " run rates read 18.0 times low; divide them by ebpf_exporter_program_stats_sample_ratio)"), exporter.output());
            assertTrue(metrics.contains("ebpf_exporter_program_stats_sample_ratio " + (5.0 / 90)), metrics);
            assertFalse(metrics.contains("collector=\"maps\""), metrics);
        }
    }

    @Test
    void repeatedListenAddressesAllServe() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("", "",
                flags("--listen-addr", "127.0.0.1:0", "--web.listen-address", "[::1]:0"))) {
            Matcher m = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/metrics, http://\\[::1]:(\\d+)/metrics")
                    .matcher(exporter.output());
            assertTrue(m.find(), exporter.output());
            HttpClient client = HttpClient.newHttpClient();
            for (String base : new String[] {"http://127.0.0.1:" + m.group(1), "http://[::1]:" + m.group(2)}) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), base);
                assertTrue(r.body().contains("ebpf_exporter_build_info"), base);
            }
        }
    }

    @Test
    void collectAndExcludePickCollectorsPerScrape() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("")) {
            String only = get(exporter, "/metrics?collect%5B%5D=programs&collect%5B%5D=btf");
            assertTrue(only.contains("collector=\"programs\"") && only.contains("collector=\"btf\""), only);
            assertFalse(only.contains("collector=\"maps\"") || only.contains("collector=\"links\""), only);
            String without = get(exporter, "/metrics?exclude%5B%5D=maps");
            assertTrue(without.contains("collector=\"links\""), without);
            assertFalse(without.contains("collector=\"maps\""), without);
            HttpResponse<byte[]> bad = exporter.request("GET", "/metrics?collect%5B%5D=nope");
            assertEquals(400, bad.statusCode());
            String refusal = new String(bad.body(), StandardCharsets.UTF_8);
            assertTrue(refusal.startsWith("unknown collector 'nope'") && refusal.contains("btf, links, maps, programs"),
                    refusal);
            String malformed = curl("--globoff", "http://127.0.0.1:" + exporter.port() + "/metrics?collect[]=%zz");
            assertTrue(malformed.contains("malformed percent escape") && malformed.strip().endsWith("400"), malformed);
        }
    }

    /** README's example, typed as written: curl sends the brackets literally. */
    @Test
    void collectWithLiteralBracketsAsCurlSendsIt() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("")) {
            String out = curl("-G", "--data-urlencode", "collect[]=programs", "--trace-ascii", "-",
                    "http://127.0.0.1:" + exporter.port() + "/metrics");
            assertTrue(out.contains("GET /metrics?collect[]=programs HTTP/1.1"), "literal brackets on the wire: " + out);
            assertTrue(out.strip().endsWith("200"), out);
            assertTrue(out.contains("collector=\"programs\"") && !out.contains("collector=\"maps\""), out);
        }
    }

    /** curl's output with {@code args}, ending with the HTTP status on a line of its own. */
    private static String curl(String... args) throws Exception {
        Kernel.requireTool("curl");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-w", "\n%{http_code}"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, curl.waitFor(), out);
        return out;
    }

    @Test
    void sdNotifySendsReadyAndStoppingOverNotifySocket() throws Exception {
        Kernel.requireBpf();
        Kernel.requireTool("systemd-notify");
        Path socket = Files.createTempDirectory("sdnotify").resolve("notify.sock");
        Path received = socket.resolveSibling("received");
        // A unix datagram listener (the JDK has none) standing in for systemd.
        Process listener = new ProcessBuilder("python3", "-c", String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(60)",
                "out = open(sys.argv[2], 'w')",
                "for _ in range(2):",
                "    out.write(s.recv(4096).decode() + '\\n'); out.flush()"), socket.toString(), received.toString())
                .redirectErrorStream(true).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            ExporterProcess exporter = ExporterProcess.start("", "", flags("--sd-notify", "", "NOTIFY_SOCKET",
                    socket.toString()));
            exporter.scrape();
            exporter.close();
            assertTrue(listener.waitFor(30, TimeUnit.SECONDS), "both messages arrive");
            String messages = Files.readString(received);
            assertTrue(messages.contains("READY=1") && messages.contains("STOPPING=1"), messages);
            assertTrue(messages.indexOf("READY=1") < messages.indexOf("STOPPING=1"), messages);
        } finally {
            listener.destroyForcibly();
        }
    }

    @Test
    void badFlagValuesAreOneLineEach() throws IOException, InterruptedException {
        String[][] cases = {
                {"--prog-stats-sample-interval=10x", "--prog-stats-sample-interval must be a duration"},
                {"--listen-addr=nohost", "--listen-addr must be HOST:PORT or :PORT"},
                {"--web.listen-address=:70000", "--web.listen-address needs a port from 0 to 65535"},
                {"--no-metrics-path", "unknown flag '--no-metrics-path'"},
                {"--map-count-entries=perhaps", "--map-count-entries must be true or false"},
                {"--web.max-requests=0", "--web.max-requests must be a whole number of at least 1"},
                {"--metrics-path", "--metrics-path needs a value"},
                {"--metrics-path=/a --metrics-path=/b", "--metrics-path is given twice (--metrics-path=/a and --metrics-path=/b)"},
                {"--metrics-path=/a --web.telemetry-path=/b", "--web.telemetry-path is given twice"},
                {"--collector.disable-defaults", "every collector is off (--collector.disable-defaults)"},
        };
        for (String[] c : cases) {
            ExporterProcess.Exit exit = ExporterProcess.run(c[0].split(" "));
            assertEquals(2, exit.code(), c[0] + ": " + exit.stderr());
            assertEquals(1, exit.stderr().strip().lines().count(), exit.stderr());
            assertTrue(exit.stderr().startsWith("ebpf-exporter: " + c[1]), c[0] + " -> " + exit.stderr());
        }
    }

    @Test
    void helpListsEveryFlagAndCollector() throws Exception {
        ExporterProcess.Exit help = ExporterProcess.run("--help");
        assertEquals(0, help.code());
        for (String flag : new String[] {"--listen-addr", "--web.listen-address", "--metrics-path", "--web.telemetry-path",
                "--log-level", "--collector.prog", "--collector.map", "--collector.link", "--collector.btf",
                "--prog-stats-mode", "--prog-stats-sample-interval", "--prog-stats-sample-duration",
                "--map-count-entries", "--sd-notify", "--web.config.file", "--web.max-requests",
                "--collector.disable-defaults", "--config.file", "--help", "--version"}) {
            assertTrue(help.stdout().contains(flag), flag + " in\n" + help.stdout());
        }
        // Every collector's declared settings, each under a flag named after its full config key.
        for (String derived : new String[] {"Collector btf:", "Collector links:", "Collector maps:", "Collector programs:",
                "--collectors.maps.count_entries_budget=DURATION", "--collectors.maps.count_entries_iterator",
                "--prog-stats-mode=disabled|enabled|sample", "--collectors.programs.stats.mode", "--server.port=N", "--metrics.naming"}) {
            assertTrue(help.stdout().contains(derived), derived + " in\n" + help.stdout());
        }
    }
}
