package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.LinkRecipes;
import io.ebpfexporter.testkit.OpenFds;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Churn: one thread creates and destroys maps, programs and raw_tracepoint links while 50 clients
 * scrape at once. Every scrape must be a 200 with well-formed text and every collector successful; an
 * object that lived through a whole scrape must be in it, and one closed well before the scrape began
 * must not; afterwards the exporter's fds and heap return to their baseline. It runs 15 s by default
 * (CI); {@code -Debpf.churn.seconds=60} gives the full minute.
 */
class ChurnTest {
    private static final Duration LENGTH = Duration.ofSeconds(Long.getLong("ebpf.churn.seconds", 15));
    private static final int CLIENTS = 50;
    /**
     * An object closed by its creator lives on while another scrape holds an fd on it (microseconds),
     * and the kernel may free ids from deferred work; half a second is far beyond both.
     */
    private static final long GRACE_NANOS = Duration.ofMillis(500).toNanos();
    private static final Pattern SAMPLE = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\.)*\",?)*})? \\S+");
    private static final Map<String, Pattern> IDS = Map.of(
            "map", Pattern.compile("^ebpf_map_info\\{.*\\bmap_id=\"(\\d+)\"", Pattern.MULTILINE),
            "program", Pattern.compile("^ebpf_program_info\\{.*\\bprog_id=\"(\\d+)\"", Pattern.MULTILINE),
            "link", Pattern.compile("^ebpf_link_info\\{.*\\blink_id=\"(\\d+)\"", Pattern.MULTILINE));

    /** One object the churn thread made: born once its fd exists, died when its close began. */
    record Life(String kind, int id, long born, AtomicLong died) {
        boolean livedThrough(long start, long end) {
            return born < start && died.get() > end;
        }

        boolean goneBefore(long start) {
            return died.get() < start - GRACE_NANOS;
        }
    }

    @Test
    void scrapesStayCorrectWhileObjectsComeAndGo() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("  max-requests: 64\n", "")) {
            URI uri = URI.create("http://127.0.0.1:" + exporter.port() + "/metrics");
            try (HttpClient warmup = HttpClient.newHttpClient()) {
                assertEquals(200, warmup.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            }
            long baselineHeap = heapAfterGc(exporter.pid()); // first: jcmd's attach opens a socket for good
            List<String> baselineFds = waitForFds(exporter.pid(), null);

            Queue<Life> lives = new ConcurrentLinkedQueue<>();
            Queue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean stopChurn = new AtomicBoolean();
            AtomicInteger scrapes = new AtomicInteger();
            Thread churn = Thread.ofPlatform().name("churn").start(() -> churn(lives, stopChurn, problems));
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    clients.add(Thread.ofVirtual().start(() -> {
                        while (!stop.get()) {
                            scrapeOnce(http, uri, lives, problems);
                            scrapes.incrementAndGet();
                        }
                    }));
                }
                Thread.sleep(LENGTH);
                stop.set(true);
                for (Thread t : clients) {
                    t.join();
                }
            }
            stopChurn.set(true); // only now: the objects still alive get closed as the churn thread ends
            churn.join();

            List<String> first = problems.stream().limit(10).toList();
            assertTrue(problems.isEmpty(), problems.size() + " problems in " + scrapes.get() + " scrapes, e.g. " + first);
            assertTrue(scrapes.get() >= CLIENTS, "scrapes: " + scrapes.get());
            assertTrue(lives.size() > 100, "objects made: " + lives.size());
            assertEquals(0, OpenFds.pointingAt(Long.toString(exporter.pid()), "anon_inode:bpf"), "bpf fds still open in the exporter");
            assertEquals(baselineFds, waitForFds(exporter.pid(), baselineFds), "open fds back to the baseline");
            long heap = heapAfterGc(exporter.pid());
            assertTrue(heap < baselineHeap + 16 * 1024 * 1024,
                    "heap after a full GC: " + heap / 1024 + " KiB, at the start " + baselineHeap / 1024 + " KiB");
            System.out.printf("churn: %d s, %d scrapes by %d clients, %d objects made and destroyed%n",
                    LENGTH.toSeconds(), scrapes.get(), CLIENTS, lives.size());
        }
    }

    private static void churn(Queue<Life> lives, AtomicBoolean stop, Queue<String> problems) {
        Random random = new Random(7);
        record Alive(Life life, List<Fixtures.Made> fds) {
        }
        List<Alive> alive = new ArrayList<>();
        try (Fixtures fx = new Fixtures()) {
            while (!stop.get()) {
                if (alive.size() < 30 && (alive.isEmpty() || random.nextBoolean())) {
                    Alive made = switch (random.nextInt(3)) {
                        case 0 -> {
                            Fixtures.Made m = fx.map(Fixtures.MAP_HASH, 4, 8, 16, 0, "churn_map");
                            yield new Alive(new Life("map", m.id(), System.nanoTime(), new AtomicLong(Long.MAX_VALUE)), List.of(m));
                        }
                        case 1 -> {
                            Fixtures.Made p = fx.program(Fixtures.PROG_SOCKET_FILTER, "churn_prog");
                            yield new Alive(new Life("program", p.id(), System.nanoTime(), new AtomicLong(Long.MAX_VALUE)), List.of(p));
                        }
                        default -> {
                            Fixtures.Made p = fx.program(LinkRecipes.PROG_RAW_TRACEPOINT, "churn_link");
                            Fixtures.Made l = fx.rawTracepoint(p, "sched_process_exec");
                            fx.close(p); // the link holds the program
                            yield new Alive(new Life("link", l.id(), System.nanoTime(), new AtomicLong(Long.MAX_VALUE)), List.of(l));
                        }
                    };
                    alive.add(made);
                    lives.add(made.life());
                } else {
                    Alive victim = alive.remove(random.nextInt(alive.size()));
                    victim.life().died().set(System.nanoTime());
                    victim.fds().forEach(fx::close);
                }
                Thread.sleep(random.nextInt(3));
            }
        } catch (Throwable e) {
            problems.add("churn thread failed: " + e);
        }
    }

    private static void scrapeOnce(HttpClient http, URI uri, Queue<Life> lives, Queue<String> problems) {
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            problems.add("request failed: " + e);
            return;
        }
        long end = System.nanoTime();
        if (response.statusCode() != 200) {
            problems.add("status " + response.statusCode());
            return;
        }
        String body = response.body();
        if (!body.endsWith("\n")) {
            problems.add("exposition does not end with a newline");
        }
        for (String line : body.split("\n")) {
            boolean ok = line.startsWith("# HELP ") || line.startsWith("# TYPE ") || SAMPLE.matcher(line).matches();
            if (!ok) {
                problems.add("malformed line: " + line);
            }
            if (line.startsWith("ebpf_exporter_collector_success{") && !line.endsWith(" 1.0")) {
                problems.add("collector failed: " + line);
            }
        }
        Map<String, Set<Integer>> seen = new HashMap<>();
        IDS.forEach((kind, pattern) -> {
            Set<Integer> ids = new HashSet<>();
            Matcher m = pattern.matcher(body);
            while (m.find()) {
                ids.add(Integer.parseUnsignedInt(m.group(1)));
            }
            seen.put(kind, ids);
        });
        for (Life life : lives) {
            boolean present = seen.get(life.kind()).contains(life.id());
            if (life.livedThrough(start, end) && !present) {
                problems.add(life.kind() + " " + life.id() + " lived through the scrape but is missing");
            } else if (life.goneBefore(start) && present) {
                problems.add(life.kind() + " " + life.id() + " was closed "
                        + (start - life.died().get()) / 1_000_000 + " ms before the scrape but is listed");
            }
        }
    }

    /**
     * What the exporter's open fds point at (sockets and pipes by kind only), once that equals
     * {@code expected} (or stops changing, for null), at most 15 s.
     */
    private static List<String> waitForFds(long pid, List<String> expected) throws Exception {
        List<String> last = null;
        for (int i = 0; i < 150; i++) {
            // The JDK's virtual-thread pollers (one epoll fd each) start lazily as carrier threads first
            // block on sockets and live as long as the JVM: runtime, not the exporter's objects.
            List<String> now = OpenFds.targets(Long.toString(pid)).stream()
                    .filter(target -> !target.equals("anon_inode:[eventpoll]"))
                    .map(target -> target.replaceAll(":\\[\\d+]", "")).sorted().toList();
            if (now.equals(expected) || (expected == null && now.equals(last))) {
                return now;
            }
            last = now;
            Thread.sleep(100);
        }
        return last;
    }

    /** Heap bytes in use after a full GC, from jcmd (the exporter runs on this JDK). */
    private static long heapAfterGc(long pid) throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        run(jcmd.toString(), Long.toString(pid), "GC.run");
        String info = run(jcmd.toString(), Long.toString(pid), "GC.heap_info");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
        assertTrue(used.find(), info);
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }
}
