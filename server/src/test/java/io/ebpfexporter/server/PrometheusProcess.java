package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Kernel;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Debian's Prometheus server on a free loopback port with a given config, in a temporary directory it removes. */
final class PrometheusProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path dir;
    private final int port;
    private final Process process;

    private PrometheusProcess(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts it with {@code config} as prometheus.yml; the caller waits for what it needs through {@link #get}. */
    static PrometheusProcess start(String config) throws IOException {
        String prometheus = Kernel.requireTool("prometheus");
        Path dir = Files.createTempDirectory("prometheus");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Files.writeString(dir.resolve("prometheus.yml"), config);
        Process process = new ProcessBuilder(prometheus, "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn").redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        return new PrometheusProcess(dir, port, process);
    }

    /** The body of GET {@code pathAndQuery}; an IOException while it is not listening yet. */
    String get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * Polls GET {@code pathAndQuery} every second until {@code done} accepts the body (and the server
     * listens), at most 90 s; returns the last body.
     */
    String await(String pathAndQuery, java.util.function.Predicate<String> done) throws IOException, InterruptedException {
        String body = "";
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            try {
                body = get(pathAndQuery);
            } catch (IOException notYetListening) {
                continue;
            }
            if (done.test(body)) {
                break;
            }
        }
        return body;
    }

    /** The answer of the instant query API to {@code promql}. */
    String query(String promql) throws IOException, InterruptedException {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("log"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        if (Files.exists(dir)) {
            throw new IOException("temporary Prometheus data left in " + dir);
        }
    }
}
