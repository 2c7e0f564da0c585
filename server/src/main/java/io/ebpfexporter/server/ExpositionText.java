package io.ebpfexporter.server;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a scrape's text with client_java's writers on platform threads, a large scrape in two halves at
 * once. Platform threads, since the JDK starts a BufferedWriter made on a virtual thread (as Helidon's
 * handlers are) at 512 chars and grows it by a copy per write. Two halves, since the writers' many small
 * writes each take the BufferedWriter's lock: on a host with 10,000 maps writing is a fifth of the scrape,
 * on one CPU while the others idle.
 * <p>
 * The writers make each family's text on its own and end with a fixed trailer (OpenMetrics' {@code # EOF}),
 * so the text of all families is the text of the first half without its trailer followed by the text of
 * the second half: the second half is written into memory on a second thread while the first streams.
 */
final class ExpositionText {
    /**
     * Texts being written now, by every instance. Only a text written alone is split: beside others the
     * CPUs are busy anyway, and each split text holds its second half in memory until the first is sent.
     */
    private static final AtomicInteger WRITING = new AtomicInteger();

    private final ExpositionFormatWriter writer;
    private final ScrapeThreads threads;
    private final byte[] trailer;

    ExpositionText(ExpositionFormatWriter writer, ScrapeThreads threads) {
        this.writer = writer;
        this.threads = threads;
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        try {
            writer.write(empty, MetricSnapshots.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.trailer = empty.toByteArray();
    }

    ExpositionFormatWriter writer() {
        return writer;
    }

    /** Writes {@code snapshots} to {@code out}, which it leaves open. */
    void write(MetricSnapshots snapshots, OutputStream out) throws IOException {
        WRITING.incrementAndGet();
        try {
            write(snapshots, out, WRITING.get() == 1);
        } finally {
            WRITING.decrementAndGet();
        }
    }

    private void write(MetricSnapshots snapshots, OutputStream out, boolean alone) throws IOException {
        List<MetricSnapshot> families = snapshots.stream().toList();
        int half = alone ? halfway(families) : 0;
        if (half == 0) {
            await(start("metrics-writer", () -> writer.write(out, snapshots)));
            return;
        }
        MetricSnapshots first = new MetricSnapshots(families.subList(0, half));
        MetricSnapshots second = new MetricSnapshots(families.subList(half, families.size()));
        ByteArrayOutputStream secondText = new ByteArrayOutputStream(64 * 1024);
        FutureTask<Void> secondTask = start("metrics-writer-2", () -> writer.write(secondText, second));
        try {
            await(start("metrics-writer", () -> {
                try (WithoutTrailer head = new WithoutTrailer(out, trailer)) {
                    writer.write(head, first);
                }
            }));
        } finally {
            await(secondTask);
        }
        secondText.writeTo(out);
    }

    /** The index of the family where the data points reach half their total, or 0 for a small scrape. */
    private int halfway(List<MetricSnapshot> families) {
        long total = 0;
        for (MetricSnapshot family : families) {
            total += family.getDataPoints().size();
        }
        if (!threads.splitText(total)) {
            return 0;
        }
        long sum = 0;
        for (int i = 0; i < families.size(); i++) {
            sum += families.get(i).getDataPoints().size();
            if (2 * sum >= total) {
                return i + 1 < families.size() ? i + 1 : 0;
            }
        }
        return 0;
    }

    private interface Write {
        void run() throws IOException;
    }

    private static FutureTask<Void> start(String name, Write write) {
        FutureTask<Void> task = new FutureTask<>(() -> {
            write.run();
            return null;
        });
        Thread.ofPlatform().name(name).start(task);
        return task;
    }

    private static void await(FutureTask<Void> task) throws IOException {
        try {
            task.get();
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the metrics");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    /**
     * Passes bytes on but holds back the last {@code trailer.length}, which must be the trailer; close
     * checks that and leaves the underlying stream open.
     */
    private static final class WithoutTrailer extends FilterOutputStream {
        private final byte[] trailer;
        private final byte[] held;
        private int heldCount;

        WithoutTrailer(OutputStream out, byte[] trailer) {
            super(out);
            this.trailer = trailer;
            this.held = new byte[trailer.length];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (held.length == 0) {
                out.write(b, off, len);
                return;
            }
            int total = heldCount + len;
            int release = Math.max(0, total - held.length); // bytes that can no longer be in the trailer
            int fromHeld = Math.min(release, heldCount);
            out.write(held, 0, fromHeld);
            System.arraycopy(held, fromHeld, held, 0, heldCount - fromHeld);
            heldCount -= fromHeld;
            int fromNew = release - fromHeld;
            out.write(b, off, fromNew);
            System.arraycopy(b, off + fromNew, held, heldCount, len - fromNew);
            heldCount += len - fromNew;
        }

        @Override
        public void close() throws IOException {
            if (heldCount != held.length || !Arrays.equals(held, trailer)) {
                throw new IOException("client_java's writer did not end with its trailer; cannot split the text");
            }
            out.flush();
        }
    }
}
