package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/install.md's shell blocks, taken from the page itself, run as written but for the root they install
 * into: a scratch directory instead of /. The unit then passes {@code systemd-analyze verify} as installed
 * (launcher, config and drop-in in place), and the page's setpriv command starts the installed image as
 * uid 65534. Runs after {@code package} has built the runtime image (mvn verify's integration-test phase).
 */
class InstallStepsTest {
    private static final Path REPOSITORY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    private static final Path PAGE = REPOSITORY.resolve("docs/install.md");
    /** An absolute path in a block, at the start of a word. */
    private static final Pattern ABSOLUTE = Pattern.compile("(?<=^|[\\s=])/(?=[\\w.-])", Pattern.MULTILINE);

    private Path root;

    @BeforeEach
    void scratchRoot() throws IOException {
        assertTrue(Files.isExecutable(REPOSITORY.resolve("server/target/image/ebpf-exporter/bin/ebpf-exporter")),
                "no runtime image: this test runs after mvn package (mvn verify)");
        root = Files.createTempDirectory("install-root");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void removeRoot() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The fenced sh block that follows {@code <!-- name...-->} on the page. */
    static String block(String page, String name) {
        Matcher m = Pattern.compile("<!-- " + Pattern.quote(name) + "[^>]*-->\\n```sh\\n(.*?)```", Pattern.DOTALL).matcher(page);
        assertTrue(m.find(), "docs/install.md has no sh block marked " + name);
        return m.group(1);
    }

    /** {@code block} with every absolute path moved under the scratch root; it may write nowhere else. */
    private String underRoot(String block) {
        String moved = ABSOLUTE.matcher(block).replaceAll(Matcher.quoteReplacement(root + "/"));
        for (String word : moved.split("[\\s=]+")) {
            assertTrue(!word.startsWith("/") || word.startsWith(root.toString()), "a path outside the root: " + word);
        }
        return moved;
    }

    private String runSteps(String name) throws Exception {
        String script = underRoot(block(Files.readString(PAGE), name));
        return run(REPOSITORY, "sh", "-eu", "-c", script);
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    /** What systemd-analyze needs of a root besides the unit: systemd's own units, and /bin/kill (ExecReload). */
    private void systemBasics() throws IOException {
        Path units = Path.of("/usr/lib/systemd/system");
        try (Stream<Path> files = Files.walk(units)) {
            for (Path p : files.toList()) {
                Path to = root.resolve("usr/lib/systemd/system").resolve(units.relativize(p).toString());
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/kill"), root.resolve("bin/kill"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    private String verify(String analyze) throws Exception {
        return run(REPOSITORY, analyze, "verify", "--root=" + root, "ebpf-exporter.service").strip();
    }

    @Test
    void theUnitAsInstalledVerifiesWithAndWithoutTheLeastPrivilegeDropIn() throws Exception {
        String analyze = Kernel.requireTool("systemd-analyze");
        runSteps("install-systemd");
        assertTrue(Files.isExecutable(root.resolve("opt/ebpf-exporter/bin/ebpf-exporter")), "the launcher is installed");
        assertTrue(Files.isRegularFile(root.resolve("etc/ebpf-exporter/config.yaml")), "the config is installed");
        systemBasics();
        assertEquals("", verify(analyze));

        runSteps("install-least-privilege");
        Path dropIn = root.resolve("etc/systemd/system/ebpf-exporter.service.d/least-privilege.conf");
        assertTrue(Files.isRegularFile(dropIn), "the drop-in is installed");
        assertEquals("", verify(analyze));
        // A drop-in's unknown key is a warning verify prints: proof that it reads this drop-in.
        Files.writeString(dropIn, Files.readString(dropIn) + "NoSuchKey=1\n");
        assertTrue(verify(analyze).contains("NoSuchKey"), "systemd-analyze reads the installed drop-in");
    }

    @Test
    void theSetprivCommandRunsTheInstalledImageWithoutRoot() throws Exception {
        Kernel.requireBpf();
        Kernel.requireTool("setpriv");
        runSteps("install-systemd");
        String command = underRoot(block(Files.readString(PAGE), "install-setpriv")).strip()
                + " --listen-addr=127.0.0.1:0";
        Process exporter = new ProcessBuilder("sh", "-eu", "-c", "exec " + command).redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(exporter.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> started = CompletableFuture.supplyAsync(() -> lines.lines()
                    .filter(l -> l.contains("listening on")).findFirst().orElse("(exited)"));
            String line = started.get(60, TimeUnit.SECONDS);
            Matcher url = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+/metrics)").matcher(line);
            assertTrue(url.find(), line);
            // sh, setpriv and the launcher each exec the next: the process is the JVM
            String status = Files.readString(Path.of("/proc", Long.toString(exporter.pid()), "status"));
            assertTrue(status.contains("\nUid:\t65534\t65534\t65534\t65534\n"), "the exporter runs as uid 65534: " + status);
            HttpClient http = HttpClient.newHttpClient();
            String metrics = http.send(HttpRequest.newBuilder(URI.create(url.group(1))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("ebpf_exporter_build_info{"), metrics);
            assertTrue(metrics.contains("ebpf_exporter_collector_success{collector=\"programs\"} 1"), metrics);
        } finally {
            exporter.destroy();
            exporter.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
