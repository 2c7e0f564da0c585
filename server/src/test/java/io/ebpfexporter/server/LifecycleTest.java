package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signals, web config reload and the HTTP details a scraper relies on, through the real launcher. */
class LifecycleTest {
    /** bcrypt of "ci-password", as .ci/run uses. */
    private static final String HASH = "$2a$10$EcDOiXO1VnMIVnHkQr1rKOeOaGvJHj4yyD9LlsTupEpFkqbDKt/8u";

    private static void signal(ExporterProcess exporter, String name) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(exporter.pid())).start().waitFor());
    }

    @Test
    void sigtermEndsWithOneLineAndExitCodeZero() throws Exception {
        Kernel.requireBpf();
        ExporterProcess exporter = ExporterProcess.start("");
        try {
            signal(exporter, "TERM");
            assertEquals(0, exporter.waitFor(10, TimeUnit.SECONDS), exporter.output());
            assertTrue(exporter.output().contains("shutting down (SIGTERM)"), exporter.output());
        } finally {
            exporter.close();
        }
    }

    @Test
    void sighupReloadsTheUsersAndNeverEndsTheProcess() throws Exception {
        Kernel.requireBpf();
        Path web = Files.createTempFile("web", ".yml");
        try {
            try (ExporterProcess exporter = startWithUser(web, "old")) {
                users(web, "new");
                signal(exporter, "HUP");
                waitFor(exporter, "SIGHUP: reloaded");
                assertEquals(401, get(exporter, "old").statusCode());
                assertEquals(200, get(exporter, "new").statusCode());
                Files.writeString(web, "basic_auth_users: [broken\n");
                signal(exporter, "HUP");
                waitFor(exporter, "SIGHUP: kept the web config in force");
                assertEquals(200, get(exporter, "new").statusCode(), "a broken file keeps the last good config");
            }
        } finally {
            Files.deleteIfExists(web);
        }
    }

    @Test
    void aSighupIgnoredFromTheStartIsNamedOnce() throws Exception {
        Kernel.requireBpf();
        String ignored = "SIGHUP is ignored (inherited, as under nohup): reload by signal is off";
        try (ExporterProcess exporter = ExporterProcess.start("", "", Map.of(ExporterProcess.WRAP, "nohup"))) {
            waitFor(exporter, ignored); // signals are taken over once the exporter serves
            signal(exporter, "HUP");
            assertEquals(200, exporter.request("GET", "/metrics").statusCode(), "SIGHUP ignored, not fatal");
            assertEquals(1, exporter.output().lines().filter(l -> l.contains(ignored)).count(), exporter.output());
        }
    }

    @Test
    void aChangedWebConfigFileAppliesWithoutASignal() throws Exception {
        Kernel.requireBpf();
        Path web = Files.createTempFile("web", ".yml");
        try {
            try (ExporterProcess exporter = startWithUser(web, "old")) {
                users(web, "rotated");
                waitFor(exporter, "web config changed: reloaded");
                assertEquals(200, get(exporter, "rotated").statusCode());
                assertEquals(401, get(exporter, "old").statusCode());
            }
        } finally {
            Files.deleteIfExists(web);
        }
    }

    /** The exporter with {@code web} as its web config, holding {@code user} (password ci-password), checked to answer it. */
    private static ExporterProcess startWithUser(Path web, String user) throws Exception {
        users(web, user);
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("--web.config.file", web.toString());
        ExporterProcess exporter = ExporterProcess.start("", "", flags);
        assertEquals(200, get(exporter, user).statusCode());
        return exporter;
    }

    private static void users(Path web, String user) throws Exception {
        Files.writeString(web, "basic_auth_users:\n  " + user + ": '" + HASH + "'\n");
    }

    private static HttpResponse<byte[]> get(ExporterProcess exporter, String user) throws Exception {
        String token = Base64.getEncoder().encodeToString((user + ":ci-password").getBytes(StandardCharsets.UTF_8));
        return exporter.request("GET", "/metrics", "Authorization", "Basic " + token);
    }

    private static void waitFor(ExporterProcess exporter, String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!exporter.output().contains(line) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(exporter.output().contains(line), exporter.output());
    }

    @Test
    void headOfTheLandingPageVaryAndAnOpenMetricsRefusal() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("")) {
            HttpResponse<byte[]> head = exporter.request("HEAD", "/");
            assertEquals(200, head.statusCode());
            assertEquals(0, head.body().length);
            HttpResponse<byte[]> metrics = exporter.request("GET", "/metrics");
            assertEquals("Accept, Accept-Encoding", metrics.headers().firstValue("vary").orElse(""));
            HttpResponse<byte[]> refused = exporter.request("GET", "/metrics",
                    "Accept", "application/openmetrics-text;version=1.0.0;q=0,text/plain;q=0.5");
            assertTrue(refused.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"),
                    refused.headers().toString());
            assertFalse(new String(refused.body(), StandardCharsets.UTF_8).contains("# EOF"));
        }
    }
}
