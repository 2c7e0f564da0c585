package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a node agent meets from a hostile or broken network and from many scrapers at once, through the real
 * launcher on loopback: connection floods, requests that never finish their headers, and forty concurrent
 * scrapes of a large host on a heap too small to hold forty collections.
 */
class HostileLoadTest {
    private static final int MAPS = 18_000;
    /** The runtime image's heap and its exit on OutOfMemoryError (image.sh), for a JVM launched here. */
    private static final String SHIPPED_HEAP = "-Xmx64m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError";
    private static final byte[] HALF_SENT = "GET /metrics HTTP/1.1\r\nHost: flood\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
        assertClosedSoon("  idle-timeout: 1s\n", new byte[0]);
    }

    @Test
    void aRequestWhoseHeadersStallIsClosedAfterTheHeaderTimeout() throws Exception {
        assertClosedSoon("  header-timeout: 1s\n", HALF_SENT);
    }

    /** With {@code serverLines}, a connection that sends {@code bytes} and stalls is closed within 8 s, unanswered. */
    private static void assertClosedSoon(String serverLines, byte[] bytes) throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start(serverLines, "");
             Socket socket = new Socket("127.0.0.1", exporter.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(bytes);
            long start = System.nanoTime();
            assertTrue(closedByServer(socket.getInputStream()), "closed by the server, nothing answered");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < 8, "closed after " + seconds + " s");
            assertEquals(200, exporter.request("GET", "/metrics").statusCode(), "and the server serves on");
        }
    }

    @Test
    void aConnectionFloodNeverStopsAConnectedScraper() throws Exception {
        Kernel.requireBpf();
        HttpClient scraper = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Socket> flood = Collections.synchronizedList(new ArrayList<>());
        try (ExporterProcess exporter = ExporterProcess.start("")) {
            URI metrics = URI.create("http://127.0.0.1:" + exporter.port() + "/metrics");
            assertEquals(200, scrape(scraper, metrics), "the scraper's kept-alive connection, before the flood");
            long baseline = exporter.openFds();
            List<Socket> halfSent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket("127.0.0.1", exporter.port());
                s.getOutputStream().write(HALF_SENT);
                halfSent.add(s);
            }
            try (ExecutorService connecting = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 3000; i++) {
                    connecting.submit(() -> {
                        Socket s = new Socket();
                        flood.add(s);
                        s.connect(new InetSocketAddress("127.0.0.1", exporter.port()), 2000);
                        return null;
                    });
                }
            }
            List<String> failures = new ArrayList<>();
            for (int second = 0; second < 20; second++) {
                long start = System.nanoTime();
                int status = scrape(scraper, metrics);
                if (status != 200) {
                    failures.add("second " + second + ": " + status);
                }
                Thread.sleep(Math.max(0, 1000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
            }
            assertEquals(List.of(), failures, "every scrape during the flood succeeds");
            for (Socket s : halfSent) {
                s.setSoTimeout(1000);
                assertTrue(closedByServer(s.getInputStream()), "a half-sent request is closed within the header timeout");
            }
            closeAll(flood);
            closeAll(halfSent);
            assertTrue(exporter.waitForFds(baseline + 4, Duration.ofSeconds(20)),
                    "the exporter's fds return to their baseline of " + baseline + ": " + exporter.openFds());
            assertEquals(200, scrape(scraper, metrics), "alive and serving after the flood");
        } finally {
            closeAll(flood);
        }
    }

    /**
     * 10,000 idle connections and 20 half-sent requests, far past server.max-connections, on the shipped
     * heap: every scrape on a fresh connection is answered within its 10 s, as the flood's oldest
     * connections make room, and the exporter's open fds stay near the limit rather than the flood.
     */
    @Test
    void aTenThousandConnectionFloodNeverLocksOutAFreshScraper() throws Exception {
        Kernel.requireBpf();
        List<Socket> flood = new ArrayList<>();
        try (ExporterProcess exporter = ExporterProcess.start("", "", Map.of("JAVA_OPTS", SHIPPED_HEAP))) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", exporter.port());
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket("127.0.0.1", exporter.port());
                flood.add(s);
                s.getOutputStream().write(HALF_SENT);
            }
            for (int i = 0; i < 10_000; i++) {
                Socket s = new Socket();
                flood.add(s);
                s.connect(address, 10_000);
            }
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                String answer = freshScrape(address);
                if (!answer.isEmpty()) {
                    failures.add("scrape " + i + ": " + answer);
                }
            }
            assertEquals(List.of(), failures, "every fresh-connection scrape during the flood is answered; alive: "
                    + exporter.isAlive() + ", open fds: " + exporter.openFds());
            assertTrue(exporter.openFds() < 1000, "open fds bounded by the limit: " + exporter.openFds());
            assertTrue(exporter.isAlive(), "the exporter survived:\n" + exporter.output());
        } finally {
            closeAll(flood);
        }
    }

    /** A scrape on a connection of its own: "" when a whole 200 (through its last chunk) came within 10 s. */
    private static String freshScrape(InetSocketAddress address) {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(address, 10_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: scraper\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            while (!answer.toString(StandardCharsets.UTF_8).endsWith("\r\n0\r\n\r\n")) {
                int n = in.read(buffer);
                if (n < 0 || TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) > 10_000) {
                    return "unfinished after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms";
                }
                answer.write(buffer, 0, n);
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            return text.startsWith("HTTP/1.1 200") && text.contains("ebpf_exporter_collector_success{") ? ""
                    : "not a 200 with the exporter's series: " + text.substring(0, Math.min(80, text.length()));
        } catch (IOException e) {
            return e + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms";
        }
    }

    /**
     * 18,000 maps on a 36 MB heap: each collection holds about 9 MB beside about 18 MB of label memory.
     * Forty scrapes each holding their own collection ran this heap out (measured: the exporter exited
     * with OutOfMemoryError at 32 and 40 MB, and served all at 48 MB).
     */
    @Test
    void fortyConcurrentScrapesOfALargeHostOnASmallHeapAreWholeOr503() throws Exception {
        Kernel.requireBpf();
        Map<String, String> options = Map.of("JAVA_OPTS", "-Xmx36m -XX:+ExitOnOutOfMemoryError");
        try (Fixtures fx = new Fixtures()) {
            for (int i = 0; i < MAPS; i++) {
                fx.map(Fixtures.MAP_ARRAY, 4, 8, 1, 0, "hostile_" + i);
            }
            try (ExporterProcess exporter = ExporterProcess.start("", "", options)) {
                URI metrics = URI.create("http://127.0.0.1:" + exporter.port() + "/metrics");
                ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
                int ok = 0;
                for (int wave = 0; wave < 3; wave++) {
                    List<Future<Integer>> answers = new ArrayList<>();
                    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                        for (int i = 0; i < 40; i++) {
                            answers.add(clients.submit(() -> wholeOr503(metrics, wrong)));
                        }
                    }
                    for (Future<Integer> answer : answers) {
                        ok += answer.resultNow() == 200 ? 1 : 0;
                    }
                }
                assertEquals(List.of(), List.copyOf(wrong), "only whole 200s and 503s");
                assertTrue(ok > 0, "some scrapes were served");
                assertTrue(exporter.isAlive(), "the exporter survived:\n" + exporter.output());
            }
        }
    }

    /** One OpenMetrics scrape on a connection of its own: 200 with the whole text (up to its # EOF) or 503. */
    private static int wholeOr503(URI metrics, ConcurrentLinkedQueue<String> wrong) {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(60))
                            .header("Accept", "application/openmetrics-text; version=1.0.0").build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = r.body();
            if (r.statusCode() == 200 && !body.contains("hostile_" + (MAPS - 1))) {
                wrong.add("200 without the last map");
            } else if (r.statusCode() == 200 && !body.endsWith("\n# EOF\n")) {
                wrong.add("200 truncated: ..." + body.substring(Math.max(0, body.length() - 80)));
            } else if (r.statusCode() != 200 && r.statusCode() != 503) {
                wrong.add(r.statusCode() + ": " + body);
            }
            return r.statusCode();
        } catch (IOException | InterruptedException e) {
            wrong.add(e.toString());
            return -1;
        }
    }

    private static int scrape(HttpClient client, URI metrics) throws InterruptedException {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body().contains("ebpf_exporter_collector_success{") ? r.statusCode() : -2;
        } catch (IOException e) {
            return -1;
        }
    }

    /** True once the peer closed (end of stream or reset) within the socket's timeout. */
    private static boolean closedByServer(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static void closeAll(List<Socket> sockets) {
        synchronized (sockets) {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing is all a test can do
                }
            }
        }
    }
}
