package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Bpftool;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.Libc;
import io.ebpfexporter.testkit.LinkRecipes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real exporter, scraped over HTTP while the test loads and unloads real programs. */
class EndToEndTest {
    private static ExporterProcess exporter;

    @BeforeAll
    static void start() throws IOException {
        Kernel.requireBpf();
        // Every optional series on, so promtool sees all of them.
        exporter = ExporterProcess.start("collectors:\n  programs:\n    stats:\n      mode: enabled\n"
                + "  maps:\n    count_entries: true\n  attachments:\n    enabled: true\n");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (exporter != null) {
            exporter.close();
        }
    }

    private static String infoLine(int id, String json) {
        return "ebpf_program_info{btf_id=\"0\",created_by_uid=\"" + Bpftool.field(json, "uid") + "\",prog_id=\"" + id
                + "\",prog_name=\"" + Bpftool.field(json, "name") + "\",prog_type=\"" + Bpftool.field(json, "type")
                + "\",tag=\"" + Bpftool.field(json, "tag") + "\"} 1";
    }

    @Test
    void programsAppearAsBpftoolShowsThemAndVanishWhenUnloaded() throws Exception {
        List<String> expected;
        try (Fixtures fx = new Fixtures()) {
            var filter = fx.program(Fixtures.PROG_SOCKET_FILTER, "e2e_filter");
            var xdp = fx.program(Fixtures.PROG_XDP, "e2e_xdp", Fixtures.ATTACH_XDP, 2);
            var cls = fx.program(Fixtures.PROG_SCHED_CLS, "e2e_cls", 0, -1);
            var skb = fx.program(Fixtures.PROG_CGROUP_SKB, "e2e.skb_1", Fixtures.ATTACH_CGROUP_INET_INGRESS, 1);
            var tp = fx.program(Fixtures.PROG_TRACEPOINT, "e2e_tp");
            String metrics = exporter.scrape();
            expected = new java.util.ArrayList<>();
            for (var made : List.of(filter, xdp, cls, skb, tp)) {
                String json = Bpftool.show("prog", made.id());
                assertEquals(Integer.toString(made.id()), Bpftool.field(json, "id"));
                String line = infoLine(made.id(), json);
                assertTrue(metrics.contains(line + "\n"), "missing " + line + " in\n" + metrics);
                expected.add(line);
            }
            assertTrue(expected.get(0).contains("prog_type=\"socket_filter\""));
            assertTrue(expected.get(3).contains("prog_name=\"e2e.skb_1\""));
            assertTrue(metrics.contains("ebpf_exporter_collector_success{collector=\"programs\"} 1.0\n"));
        }
        String after = exporter.scrape();
        for (String line : expected) {
            assertFalse(after.contains(line), "still listed after unload: " + line);
        }
    }

    @Test
    void prometheusTextPassesPromtool() throws Exception {
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            LinkRecipes links = new LinkRecipes(fx, host);
            List<String> detailed = new java.util.ArrayList<>();
            if (KernelFeatures.linkType("NETFILTER") && KernelFeatures.progType("NETFILTER")) {
                links.netfilter();
                detailed.add("ebpf_link_netfilter_info");
            } else {
                KernelFeatures.missing("netfilter links", "6.4");
            }
            links.rawTracepoint();
            detailed.add("ebpf_link_raw_tracepoint_info");
            links.cgroup(host.cgroup());
            detailed.add("ebpf_program_cgroup_attachment_info");
            Libc.perfEventSetBpf(links.tracepointEvent(), fx.program(Fixtures.PROG_TRACEPOINT, "promtool_perf").fd());
            detailed.add("ebpf_program_perf_event_attachment_info");
            var map = fx.map(Fixtures.MAP_HASH, 4, 8, 16, 0, "promtool_map");
            fx.fill(map, 3);
            fx.testRun(fx.programUsing(map, "promtool_prog"), 3);
            HttpResponse<byte[]> response = exporter.request("GET", "/metrics");
            String text = new String(response.body(), StandardCharsets.UTF_8);
            for (String family : new String[] {"ebpf_program_run_count_total", "ebpf_program_run_duration_seconds_total",
                    "ebpf_program_map_info", "ebpf_map_entries", "ebpf_exporter_program_stats_enabled",
                    "ebpf_link_info"}) {
                assertTrue(text.contains("# TYPE " + family.replaceAll("_total$", "")), family + " in\n" + text);
            }
            for (String family : detailed) {
                assertTrue(text.contains("# TYPE " + family + " "), family + " in\n" + text);
            }
            assertEquals(200, response.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    response.headers().firstValue("content-type").orElseThrow());
            assertPromtoolAccepts(response.body());
        }
    }

    @Test
    void openMetricsWhenAskedEndsWithEof() throws Exception {
        HttpResponse<byte[]> response = exporter.request("GET", "/metrics",
                "Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertEquals(200, response.statusCode());
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8",
                response.headers().firstValue("content-type").orElseThrow());
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(body.endsWith("# EOF\n"), body);
        assertTrue(body.contains("# TYPE ebpf_exporter_build info\n"), body);
        assertTrue(body.contains("# UNIT ebpf_exporter_collector_duration_seconds seconds\n"), body);
    }

    @Test
    void gzipWhenAccepted() throws Exception {
        HttpResponse<byte[]> response = exporter.request("GET", "/metrics", "Accept-Encoding", "gzip");
        assertEquals("gzip", response.headers().firstValue("content-encoding").orElseThrow());
        String body = new String(new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue(body.contains("ebpf_exporter_build_info{"), body);
        HttpResponse<byte[]> plain = exporter.request("GET", "/metrics", "Accept-Encoding", "gzip;q=0, identity");
        assertTrue(plain.headers().firstValue("content-encoding").isEmpty());
    }

    /**
     * A host's unchanged families come from kept text from the third scrape on (ExpositionText): the
     * first three scrapes in each format are whole.
     */
    @Test
    void aLargeScrapeIsWholeInEveryFormatScrapeAfterScrape() throws Exception {
        try (Fixtures fx = new Fixtures()) {
            List<Integer> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 2048; i++) {
                ids.add(fx.map(Fixtures.MAP_ARRAY, 4, 8, 1, 0, "e2e_large").id());
            }
            String openMetrics = "application/openmetrics-text;version=1.0.0";
            Pattern info = Pattern.compile("(?m)^ebpf_map_info\\{flags=\"0\",key_size=\"4\",map_id=\"(\\d+)\","
                    + "map_name=\"e2e_large\",map_type=\"array\",value_size=\"8\"} 1$");
            Pattern memlock = Pattern.compile("(?m)^ebpf_map_memlock_bytes\\{map_id=\"(\\d+)\"} \\S+$");
            for (int scrape = 1; scrape <= 3; scrape++) {
                String text = body(exporter.request("GET", "/metrics"));
                String om = body(exporter.request("GET", "/metrics", "Accept", openMetrics));
                String omGzip = body(exporter.request("GET", "/metrics", "Accept", openMetrics, "Accept-Encoding", "gzip"));
                for (String body : List.of(text, om, omGzip)) {
                    assertEquals(ids, ids(info, body), "each map once in ebpf_map_info, scrape " + scrape);
                    assertEquals(ids, ids(memlock, body).stream().filter(ids::contains).toList(), "each map once in memlock");
                }
                for (String body : List.of(om, omGzip)) {
                    assertEquals(body.length() - "# EOF\n".length(), body.indexOf("# EOF"), "one # EOF, at the end");
                }
                assertPromtoolAccepts(text.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The exporter's own process and heap series, in both namings (the image's jdk.management among them), and off. */
    @Test
    void processAndHeapSeriesInBothNamingsAndOffWhenAsked() throws Exception {
        String[] health = {"process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_virtual_memory_bytes ",
            "process_virtual_memory_max_bytes ", "process_open_fds ", "process_max_fds ", "process_start_time_seconds ",
            "jvm_memory_used_bytes{area=\"heap\"} ", "jvm_memory_max_bytes{area=\"heap\"} ", "jvm_gc_collection_seconds_count{"};
        String standard = exporter.scrape();
        for (String series : health) {
            assertTrue(standard.contains("\n" + series), series + " in\n" + standard);
        }
        assertPromtoolAccepts(standard.getBytes(StandardCharsets.UTF_8));
        try (ExporterProcess seed = ExporterProcess.start("", "", java.util.Map.of("--metrics.naming", "seed"))) {
            String text = seed.scrape();
            for (String series : health) {
                assertTrue(text.contains("\n" + series), "seed naming: " + series);
            }
            String own = text.lines().filter(l -> l.matches("(# (HELP|TYPE) )?(process|jvm)_.*"))
                    .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
            assertPromtoolAccepts(own.getBytes(StandardCharsets.UTF_8));
        }
        try (ExporterProcess off = ExporterProcess.start("", "", java.util.Map.of("--web.disable-exporter-metrics", ""))) {
            String text = off.scrape();
            assertFalse(text.contains("\nprocess_") || text.contains("\njvm_"), text);
            assertTrue(text.contains("ebpf_exporter_build_info"), text);
        }
    }

    /** Owners (switched on per collector) and pins through the real exporter. */
    @Test
    void ownersAndPinsAreExported() throws Exception {
        java.util.Map<String, String> flags = new java.util.LinkedHashMap<>();
        for (String collector : new String[] {"programs", "maps", "links", "btf"}) {
            flags.put("--collectors." + collector + ".owners", "");
        }
        try (io.ebpfexporter.testkit.HolderProcess holder = new io.ebpfexporter.testkit.HolderProcess(0);
             ExporterProcess withOwners = ExporterProcess.start("", "", flags)) {
            String text = withOwners.scrape();
            String owner = "{comm=\"tn_holder\",%s=\"%d\",pid=\"" + holder.pid() + "\"} 1";
            assertTrue(text.contains("ebpf_map_owner_info" + owner.formatted("map_id", holder.mapId())), text);
            assertTrue(text.contains("ebpf_map_owner_info{comm=\"tn_heir\",map_id=\"" + holder.mapId() + "\",pid=\""
                    + holder.heirPid() + "\"} 1"), text);
            assertTrue(text.contains("ebpf_program_owner_info{comm=\"tn_holder\",pid=\"" + holder.pid() + "\",prog_id=\""
                    + holder.progId() + "\"} 1"), text); // labels in name order: pid before prog_id
            assertTrue(text.contains("ebpf_link_owner_info" + owner.formatted("link_id", holder.linkId())), text);
            assertFalse(exporter.scrape().contains("_owner_info{"), "owners are off by default");
        }
    }

    /** {@code promtool check metrics} exits 0 and prints nothing for this exposition text. */
    static void assertPromtoolAccepts(byte[] text) throws IOException, InterruptedException {
        String promtool = Kernel.requireTool("promtool");
        Path file = Files.createTempFile("scrape", ".txt");
        try {
            Files.write(file, text);
            Process check = new ProcessBuilder("sh", "-c", promtool + " check metrics < " + file)
                    .redirectErrorStream(true).start();
            String complaints = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, check.waitFor(), complaints);
            assertEquals("", complaints, "promtool must print nothing");
        } finally {
            Files.delete(file);
        }
    }

    private static List<Integer> ids(Pattern series, String body) {
        return series.matcher(body).results().map(m -> Integer.parseInt(m.group(1))).sorted().toList();
    }

    private static String body(HttpResponse<byte[]> response) throws IOException {
        assertEquals(200, response.statusCode());
        byte[] bytes = response.body();
        if (response.headers().firstValue("content-encoding").orElse("").equals("gzip")) {
            bytes = new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes();
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void headLandingPageAndUnknownPaths() throws Exception {
        HttpResponse<byte[]> head = exporter.request("HEAD", "/metrics");
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", head.headers().firstValue("content-type").orElseThrow());

        HttpResponse<byte[]> landing = exporter.request("GET", "/");
        assertEquals(200, landing.statusCode());
        assertTrue(new String(landing.body(), StandardCharsets.UTF_8).contains("<a href=\"/metrics\">"));

        assertEquals(404, exporter.request("GET", "/nope").statusCode());
        assertEquals(404, exporter.request("GET", "/metrics/extra").statusCode());
        assertEquals(200, exporter.request("GET", "/metrics").statusCode(), "still serving");
    }

    @Test
    void buildInfoAndCollectorRows() throws Exception {
        String metrics = exporter.scrape();
        assertTrue(Pattern.compile("(?m)^ebpf_exporter_build_info\\{java_version=\"[^\"]+\",revision=\"[^\"]+\",version=\"[^\"]+\"} 1$")
                .matcher(metrics).find(), metrics);
        assertTrue(Pattern.compile("(?m)^ebpf_exporter_collector_duration_seconds\\{collector=\"programs\"} [0-9.eE-]+$")
                .matcher(metrics).find(), metrics);
    }
}
