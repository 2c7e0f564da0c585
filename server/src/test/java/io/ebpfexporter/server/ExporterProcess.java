package io.ebpfexporter.server;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real exporter in its own JVM, launched on the module path exactly as run.sh launches it, so
 * ServiceLoader discovery through the module descriptors is what the tests exercise; or, where
 * EBPF_EXPORTER_IMAGE names a runtime image's launcher (the kernel matrix), that image.
 */
final class ExporterProcess implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("https?://[^:]+:(\\d+)/\\S*");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final StringBuffer output;
    private final int port;

    private ExporterProcess(Process process, int port, StringBuffer output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /** Outcome of a run that is expected to end by itself (a start-up error, --help, --version). */
    record Exit(int code, String stdout, String stderr) {
        /** Exit code 2 and exactly one stderr line, "ebpf-exporter: ...", holding every fragment. */
        void assertOneLineError(String... fragments) {
            assertEquals(2, code, stderr);
            String[] lines = stderr.strip().split("\n");
            assertEquals(1, lines.length, "exactly one line: " + stderr);
            assertTrue(lines[0].startsWith("ebpf-exporter: "), lines[0]);
            for (String fragment : fragments) {
                assertTrue(lines[0].contains(fragment), "'" + fragment + "' in: " + lines[0]);
            }
        }
    }

    static List<String> command(String... args) {
        return command("", args);
    }

    /** The command line, with {@code javaOpts} (space-separated JVM flags) as the image's JAVA_OPTS would add them. */
    static List<String> command(String javaOpts, String... args) {
        String image = System.getenv("EBPF_EXPORTER_IMAGE");
        if (image != null) {
            List<String> command = new ArrayList<>(List.of(image));
            command.addAll(List.of(args));
            return command;
        }
        Path base = Path.of(System.getProperty("basedir", "."));
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        if (!javaOpts.isBlank()) {
            command.addAll(List.of(javaOpts.trim().split(" +")));
        }
        command.addAll(List.of(
                "--module-path", base.resolve("target/modules") + ":" + base.resolve("target/classes"),
                "@" + base.resolve("launch.args")));
        command.addAll(List.of(args));
        return command;
    }

    /** A {@link #start(String, String, Map)} key whose value (space-separated) runs the exporter, as setpriv does. */
    static final String WRAP = "wrap";

    /** Writes {@code yaml} (plus a loopback, ephemeral-port server section) and starts the exporter. */
    static ExporterProcess start(String yaml) throws IOException {
        return start("", yaml);
    }

    /** As {@link #start(String)}, with {@code serverLines} added under {@code server:}. */
    static ExporterProcess start(String serverLines, String yaml) throws IOException {
        return start(serverLines, yaml, Map.of());
    }

    /**
     * As {@link #start(String, String)}, with {@code flags} on the command line (keys are flags, values
     * their values or "" for a bare switch; a LinkedHashMap keeps their order); an entry whose key is
     * not a flag is an environment variable (e.g. NOTIFY_SOCKET; JAVA_OPTS also reaches a JVM launched here).
     */
    static ExporterProcess start(String serverLines, String yaml, Map<String, String> flags) throws IOException {
        Path config = Files.createTempFile("ebpf-exporter-test", ".yaml");
        Files.writeString(config, "server:\n  host: 127.0.0.1\n  port: 0\n" + serverLines + yaml);
        Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path ready = Files.createTempFile("ebpf-exporter-test", ".ready");
        Files.delete(ready);
        List<String> args = new ArrayList<>(List.of("--ready-file=" + ready));
        if (flags.containsKey("--config.file")) { // the caller's config, on a loopback port of its own
            args.add("--listen-addr=127.0.0.1:0");
        } else {
            args.add("--config.file=" + config);
        }
        flags.forEach((flag, value) -> {
            if (flag.startsWith("-")) {
                args.add(value.isEmpty() ? flag : flag + "=" + value);
            }
        });
        List<String> command = new ArrayList<>();
        if (flags.containsKey(WRAP)) {
            command.addAll(List.of(flags.get(WRAP).split(" +")));
        }
        command.addAll(command(flags.getOrDefault("JAVA_OPTS", ""), args.toArray(String[]::new)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        flags.forEach((name, value) -> {
            if (!name.startsWith("-") && !name.equals(WRAP)) {
                builder.environment().put(name, value);
            }
        });
        Process process = builder.start();
        StringBuffer output = new StringBuffer();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofVirtual().start(() -> {
            try {
                reader.lines().forEach(l -> output.append(l).append('\n'));
            } catch (java.io.UncheckedIOException closed) {
                // the process ended and its pipe was closed under the reader
            }
        });
        try {
            // Emulated guests (the arm64 one under TCG) start far slower than a host: they set a longer wait.
            long deadline = System.nanoTime()
                    + TimeUnit.SECONDS.toNanos(Long.parseLong(System.getenv().getOrDefault("EBPF_EXPORTER_START_SECONDS", "60")));
            while (!Files.exists(ready) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (!Files.exists(ready)) {
                process.destroyForcibly();
                fail("exporter did not start:\n" + output);
            }
            Matcher url = URL.matcher(Files.readAllLines(ready).get(0));
            assertTrue(url.matches(), "a URL in the ready file");
            // The start-up line precedes the ready file; let the reader catch up for tests that read it.
            while (!output.toString().contains("listening on") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            ExporterProcess exporter = new ExporterProcess(process, Integer.parseInt(url.group(1)), output);
            return exporter;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(config);
            Files.deleteIfExists(ready);
        }
    }

    /** Runs the exporter with {@code args} to its end (at most 60 s). */
    static Exit run(String... args) throws IOException, InterruptedException {
        return runUnder(List.of(), args);
    }

    /** As {@link #run}, launched through {@code wrapper} (e.g. setpriv dropping a capability). */
    static Exit runUnder(List<String> wrapper, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(command(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> err = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                err.complete(process.getErrorStream().readAllBytes());
            } catch (IOException e) {
                err.completeExceptionally(e);
            }
        });
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("exporter did not exit: " + String.join(" ", args));
        }
        return new Exit(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
    }

    int port() {
        return port;
    }

    /** The exit code once the process has ended within {@code timeout}; fails the test otherwise. */
    int waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        assertTrue(process.waitFor(timeout, unit), "the exporter did not exit");
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The fds the exporter holds now. */
    long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/" + process.pid() + "/fd"))) {
            return fds.count();
        }
    }

    /** Whether the exporter holds at most {@code limit} fds within {@code timeout}. */
    boolean waitForFds(long limit, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (openFds() > limit && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return openFds() <= limit;
    }

    String output() {
        return output.toString();
    }

    HttpResponse<byte[]> request(String method, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** GET /metrics in the default (Prometheus text) format. */
    String scrape() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = request("GET", "/metrics");
        if (response.statusCode() != 200) {
            fail("scrape answered " + response.statusCode() + ":\n" + new String(response.body(), StandardCharsets.UTF_8));
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
