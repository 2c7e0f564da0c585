package io.ebpfexporter.server.http;

import io.ebpfexporter.server.scrape.Scrape;
import io.ebpfexporter.server.scrape.SharedCollection;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /live.json}: the landing page's bpftop-like tables, computed from two scrapes of the programs
 * and maps collectors a few seconds apart; with the attachments collector on, the links and attachments of
 * the second scrape say where each program runs. Nothing runs unless a page asks: the previous reading (a
 * few numbers per program) is the only state, and a reading older than {@link #STALE} is read again.
 */
final class LiveView implements Handler {
    /** The first request waits this long between its two readings. */
    private static final Duration FIRST_GAP = Duration.ofSeconds(2);
    private static final Duration STALE = Duration.ofSeconds(60);
    private static final int ROWS = 25;
    /** Attachments listed per program: a program a cgroup tree inherits can have thousands. */
    private static final int ATTACHMENTS = 5;

    private final Scrape scrape;
    private final Set<String> collectors;
    /** The exporter's network namespace: the page names any other an interface is in. */
    private final String netnsIno;
    private LiveReading previous; // guarded by this

    LiveView(Scrape scrape) {
        this.scrape = scrape;
        this.collectors = new TreeSet<>(scrape.collectorNames());
        // links only with attachments: they fill in the link-made attachments the attachment families lack
        this.collectors.retainAll(this.collectors.contains("attachments") ? Set.of("programs", "maps", "links", "attachments")
                : Set.of("programs", "maps"));
        this.netnsIno = netnsIno();
    }

    /** The inode of the exporter's network namespace, as the attachments collector labels it; "" if unreadable. */
    private static String netnsIno() {
        try {
            return Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino").toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws Exception {
        String json;
        try {
            json = json(readings(), netnsIno);
        } catch (SharedCollection.Busy e) {
            response.status(Status.SERVICE_UNAVAILABLE_503).header(HeaderNames.RETRY_AFTER, "1")
                    .send("busy: " + e.getMessage() + "\n");
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The previous reading and a new one, at least a second apart. */
    private synchronized LiveReading[] readings() throws InterruptedException, SharedCollection.Busy {
        LiveReading now = read();
        LiveReading before = previous;
        long age = before == null ? Long.MAX_VALUE : now.nanos() - before.nanos();
        if (age < Duration.ofSeconds(1).toNanos() || age > STALE.toNanos()) {
            Thread.sleep(FIRST_GAP);
            before = now;
            now = read();
        }
        previous = now.withoutAttachments();
        return new LiveReading[] {before, now};
    }

    private LiveReading read() throws InterruptedException, SharedCollection.Busy {
        try (var lease = scrape.collect(collectors, Duration.ofSeconds(10))) {
            return LiveReading.of(lease.value(), System.nanoTime());
        }
    }

    private static String json(LiveReading[] pair, String netnsIno) {
        LiveReading before = pair[0];
        LiveReading now = pair[1];
        double seconds = (now.nanos() - before.nanos()) / 1e9;
        double correction = now.stats().mode().equals("sample") ? now.stats().sampleRatio() : 1;
        record Row(LiveReading.Program p, double runsPerSecond, double cpuShare, double averageSeconds) {
        }
        List<Row> rows = now.programs().values().stream().filter(p -> p.runs() >= 0).map(p -> {
            LiveReading.Program old = before.programs().get(p.id());
            double runs = old == null || old.runs() < 0 ? 0 : Math.max(0, p.runs() - old.runs());
            double runSeconds = old == null || old.runs() < 0 ? 0 : Math.max(0, p.runSeconds() - old.runSeconds());
            return new Row(p, runs / seconds / correction, runSeconds / seconds / correction,
                    runs > 0 ? runSeconds / runs : -1);
        }).sorted(Comparator.comparingDouble(Row::cpuShare).thenComparingDouble(Row::runsPerSecond).reversed()
                .thenComparing(r -> Long.parseLong(r.p().id()))).toList();
        List<LiveReading.MapFill> maps = now.maps().stream()
                .sorted(Comparator.comparingDouble((LiveReading.MapFill m) -> m.entries() / m.maxEntries()).reversed()
                        .thenComparing(m -> Long.parseLong(m.id()))).limit(ROWS).toList();

        StringBuilder out = new StringBuilder(4096).append('{');
        field(out, "interval_seconds", seconds).append(',');
        out.append("\"stats\":{");
        string(out, "mode", now.stats().mode()).append(',');
        out.append("\"counting\":").append(now.stats().counting()).append(',');
        out.append("\"reduced_privileges\":").append(now.stats().reducedPrivileges()).append(',');
        out.append("\"reported\":").append(!rows.isEmpty() || now.programs().isEmpty()).append(',');
        field(out, "sample_ratio", correction).append("},");
        attachmentsState(out, now.attachments()).append(',');
        out.append("\"programs_total\":").append(now.programs().size()).append(",\"programs\":[");
        for (int i = 0; i < Math.min(ROWS, rows.size()); i++) {
            Row r = rows.get(i);
            out.append(i == 0 ? "{" : ",{");
            string(out, "id", r.p().id()).append(',');
            string(out, "name", r.p().name()).append(',');
            string(out, "type", r.p().type()).append(',');
            field(out, "runs_per_second", r.runsPerSecond()).append(',');
            field(out, "cpu_share", r.cpuShare()).append(',');
            if (r.averageSeconds() >= 0) {
                field(out, "average_run_seconds", r.averageSeconds()).append(',');
            }
            if (now.attachments().collected()) {
                attachments(out, now.attachments().byProgram().getOrDefault(r.p().id(), List.of()), netnsIno).append(',');
            }
            out.setLength(out.length() - 1);
            out.append('}');
        }
        out.append("],\"maps_counted\":").append(now.mapsCounted()).append(",\"maps\":[");
        for (int i = 0; i < maps.size(); i++) {
            LiveReading.MapFill m = maps.get(i);
            out.append(i == 0 ? "{" : ",{");
            string(out, "id", m.id()).append(',');
            string(out, "name", m.name()).append(',');
            string(out, "type", m.type()).append(',');
            field(out, "entries", m.entries()).append(',');
            field(out, "max_entries", m.maxEntries()).append('}');
        }
        return out.append("]}\n").toString();
    }

    /** Whether attachments are collected, and what of them this scrape could not read. */
    private static StringBuilder attachmentsState(StringBuilder out, LiveReading.Attachments attachments) {
        out.append("\"attachments\":{\"collected\":").append(attachments.collected()).append(",\"incomplete\":[");
        for (int i = 0; i < attachments.incomplete().size(); i++) {
            out.append(i == 0 ? "" : ",");
            string(out, attachments.incomplete().get(i));
        }
        return out.append("]}");
    }

    /** A program's first {@link #ATTACHMENTS} attachments, each in words, and how many it has. */
    private static StringBuilder attachments(StringBuilder out, List<LiveReading.Attachment> all, String netnsIno) {
        out.append("\"attachments_total\":").append(all.size()).append(",\"attachments\":[");
        for (int i = 0; i < Math.min(ATTACHMENTS, all.size()); i++) {
            out.append(i == 0 ? "" : ",");
            string(out, AttachmentText.of(all.get(i), netnsIno));
        }
        return out.append(']');
    }

    private static StringBuilder field(StringBuilder out, String name, double value) {
        return out.append('"').append(name).append("\":").append(String.format(Locale.ROOT, "%.9g", value));
    }

    private static StringBuilder string(StringBuilder out, String name, String value) {
        string(out, name).append(':');
        return string(out, value);
    }

    /** A JSON string, escaped so that it can also sit inside HTML. */
    private static StringBuilder string(StringBuilder out, String value) {
        out.append('"');
        for (char c : (value == null ? "" : value).toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
