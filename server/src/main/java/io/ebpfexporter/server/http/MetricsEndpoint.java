package io.ebpfexporter.server.http;

import io.ebpfexporter.server.scrape.ExpositionText;
import io.ebpfexporter.server.scrape.FamilyTexts;
import io.ebpfexporter.server.scrape.Scrape;
import io.ebpfexporter.server.scrape.SharedCollection;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/**
 * {@code GET|HEAD <metrics-path>}: one fresh scrape, written by client_java's text writers in the
 * format the Accept header asks for (OpenMetrics 1.0 or Prometheus text 0.0.4), gzipped when accepted.
 * {@code collect[]=NAME} limits the scrape to the named collectors, {@code exclude[]=NAME} leaves some out.
 */
final class MetricsEndpoint implements Handler {
    private static final System.Logger LOG = System.getLogger(MetricsEndpoint.class.getName());
    private static final HeaderName SCRAPE_TIMEOUT = HeaderNames.create("X-Prometheus-Scrape-Timeout-Seconds");

    /** Counts what passes through, for the debug line. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }
    }

    private final Scrape scrape;
    private final ExpositionText openMetrics;
    private final ExpositionText prometheusText;

    MetricsEndpoint(Scrape scrape) {
        this.scrape = scrape;
        long budget = Runtime.getRuntime().maxMemory() / 16; // the text both formats keep: an eighth of the heap
        this.openMetrics = new ExpositionText(OpenMetricsTextFormatWriter.create(), new FamilyTexts(budget));
        this.prometheusText = new ExpositionText(PrometheusTextFormatWriter.create(), new FamilyTexts(budget));
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        String accept = request.headers().first(HeaderNames.ACCEPT).orElse("");
        ExpositionText text = accepts(accept, "application/openmetrics-text") ? openMetrics : prometheusText;
        boolean gzip = acceptsGzip(request.headers().first(HeaderNames.ACCEPT_ENCODING).orElse(""));
        ScrapeQuery query;
        try {
            query = ScrapeQuery.parse(request.query().rawValue());
        } catch (ScrapeQuery.Malformed e) {
            response.status(Status.BAD_REQUEST_400).send(e.getMessage() + "\n");
            return;
        }
        List<String> collect = query.collect();
        List<String> exclude = query.exclude();
        Set<String> known = scrape.collectorNames();
        for (String name : concat(collect, exclude)) {
            if (!known.contains(name)) {
                response.status(Status.BAD_REQUEST_400).send("unknown collector '" + name + "' in collect[] or exclude[];"
                        + " the enabled collectors are " + String.join(", ", known) + "\n");
                return;
            }
        }
        Set<String> included = known.stream().filter(name -> (collect.isEmpty() || collect.contains(name))
                && !exclude.contains(name)).collect(Collectors.toSet());

        long start = System.nanoTime();
        try (var lease = scrape.collect(included, waitFor(request))) {
            answer(request, response, text, gzip, lease.value(), start);
        } catch (SharedCollection.Busy e) {
            response.status(Status.SERVICE_UNAVAILABLE_503).header(HeaderNames.RETRY_AFTER, "1")
                    .send("too many scrapes are being answered at once: " + e.getMessage() + "; retry\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.status(Status.SERVICE_UNAVAILABLE_503).header(HeaderNames.RETRY_AFTER, "1").send("shutting down\n");
        }
    }

    /**
     * How long a scrape may wait for its collection to start: Prometheus' scrape timeout when it sends
     * one (it gives up then anyway), else 10 s; at most 60 s.
     */
    static Duration waitFor(ServerRequest request) {
        double seconds = 10;
        var timeout = request.headers().first(SCRAPE_TIMEOUT);
        if (timeout.isPresent()) {
            try {
                seconds = Double.parseDouble(timeout.get());
            } catch (NumberFormatException e) {
                // a header we cannot read leaves the default
            }
        }
        return Duration.ofMillis((long) (1000 * Math.max(0, Math.min(60, seconds))));
    }

    private void answer(ServerRequest request, ServerResponse response, ExpositionText text, boolean gzip,
                        MetricSnapshots snapshots, long start) throws IOException {
        response.header(HeaderNames.CONTENT_TYPE, text.writer().getContentType());
        response.header(HeaderNames.VARY, "Accept, Accept-Encoding"); // the body depends on both
        if (gzip) {
            response.header(HeaderNames.CONTENT_ENCODING, "gzip");
        }
        if (request.prologue().method() == Method.HEAD) {
            CountingStream counted = new CountingStream(OutputStream.nullOutputStream()); // the length, not the text
            write(text, snapshots, gzip, counted);
            response.header(HeaderNames.CONTENT_LENGTH, Long.toString(counted.count));
            response.send();
            return;
        }
        // streamed (chunked): a host with 10,000 maps makes megabytes of text, never held whole for one
        // response (the text kept for unchanged families is within its budget, see FamilyTexts)
        CountingStream counted = new CountingStream(response.outputStream());
        write(text, snapshots, gzip, counted);
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "scrape: {0} series in {1} families, {2} bytes of {3}{4}, {5} ms",
                    String.valueOf(snapshots.stream().mapToInt(f -> f.getDataPoints().size()).sum()),
                    String.valueOf(snapshots.size()), String.valueOf(counted.count), text.writer().getContentType(),
                    gzip ? " (gzip)" : "", String.valueOf((System.nanoTime() - start) / 1_000_000));
        }
    }

    /**
     * The text goes out in 64 KiB writes: the writers write 8 KiB at a time, and Helidon sends each write
     * larger than its own 4 KiB buffer as an HTTP chunk, a syscall each (350 for a host with 10,000 maps).
     */
    private static void write(ExpositionText text, MetricSnapshots snapshots, boolean gzip, OutputStream sink)
            throws IOException {
        OutputStream buffered = new BufferedOutputStream(sink, 64 * 1024);
        try (OutputStream out = gzip ? new GZIPOutputStream(buffered, 64 * 1024) : buffered) {
            text.write(snapshots, out);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** True when Accept-Encoding lists gzip (or *) with a quality above zero. */
    static boolean acceptsGzip(String acceptEncoding) {
        return accepts(acceptEncoding, "gzip") || accepts(acceptEncoding, "*");
    }

    /** True when the header lists {@code value} (a coding or a media type, parameters aside) with a quality above zero. */
    static boolean accepts(String header, String value) {
        for (String part : header.split(",")) {
            String[] fields = part.split(";");
            if (fields[0].trim().toLowerCase(Locale.ROOT).equals(value) && quality(fields) > 0) {
                return true;
            }
        }
        return false;
    }

    private static double quality(String[] fields) {
        for (int i = 1; i < fields.length; i++) {
            String param = fields[i].trim();
            if (param.startsWith("q=")) {
                try {
                    return Double.parseDouble(param.substring(2));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
