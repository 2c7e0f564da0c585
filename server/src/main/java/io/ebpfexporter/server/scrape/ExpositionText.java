package io.ebpfexporter.server.scrape;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.TextFormatUtil;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a scrape's text with client_java's writers, one family at a time, on a platform thread where
 * there is much to write: the JDK starts a BufferedWriter made on a virtual thread (as Helidon's handlers
 * are) at 512 chars and grows it by a copy per write. A family unchanged since the last scrape is written
 * from its kept text ({@link FamilyTexts}): the writers take the BufferedWriter's lock for every character
 * of a label value, and on a host with 10,000 maps nearly every family is unchanged from one scrape to the
 * next.
 * <p>
 * The writers make each family's text on its own and end with a fixed trailer (OpenMetrics' {@code # EOF}),
 * so the text of all families is each family's text without the trailer, then the trailer.
 */
public final class ExpositionText {
    /**
     * Series of families without kept text written on the scrape's own thread: a few KiB of text, which
     * the growing BufferedWriter handles at no cost, where a writer thread costs two hand-offs.
     */
    private static final int INLINE_SERIES = 256;
    /** Writers' platform threads, reused for 60 s after a write rather than started per scrape. */
    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("metrics-writer-", 1).daemon().factory());

    private final ExpositionFormatWriter writer;
    private final FamilyTexts texts;
    private final byte[] trailer;

    public ExpositionText(ExpositionFormatWriter writer, FamilyTexts texts) {
        this.writer = writer;
        this.texts = texts;
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        try {
            writer.write(empty, MetricSnapshots.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.trailer = empty.toByteArray();
    }

    public ExpositionFormatWriter writer() {
        return writer;
    }

    /**
     * Writes {@code snapshots} to {@code out}, which it leaves open: on this thread when the families
     * without kept text have at most {@link #INLINE_SERIES} series, else on a writer thread.
     */
    public void write(MetricSnapshots snapshots, OutputStream out) throws IOException {
        texts.beginWrite();
        MetricSnapshots families = TextFormatUtil.mergeDuplicates(snapshots);
        byte[][][] kept = new byte[families.size()][][];
        int unkept = 0;
        for (int i = 0; i < kept.length; i++) {
            kept[i] = texts.kept(families.get(i));
            unkept += kept[i] == null ? families.get(i).getDataPoints().size() : 0;
        }
        if (unkept <= INLINE_SERIES) {
            writeAll(families, kept, out);
        } else {
            await(WRITERS.submit(() -> {
                writeAll(families, kept, out);
                return null;
            }));
        }
    }

    /** Writes each family, from {@code kept[i]}, its kept text, where it has one. */
    private void writeAll(MetricSnapshots families, byte[][][] kept, OutputStream out) throws IOException {
        for (int i = 0; i < kept.length; i++) {
            write(families.get(i), kept[i], out);
        }
        out.write(trailer);
    }

    private void write(MetricSnapshot family, byte[][] kept, OutputStream out) throws IOException {
        if (kept != null) {
            for (byte[] chunk : kept) {
                out.write(chunk);
            }
            return;
        }
        FamilyTexts.Copy copy = texts.copying(family, out);
        try {
            try (WithoutTrailer text = new WithoutTrailer(copy != null ? copy : out, trailer)) {
                writer.write(text, MetricSnapshots.of(family));
            }
            if (copy != null) {
                copy.keep();
            }
        } finally {
            if (copy != null) {
                copy.drop();
            }
        }
    }

    private static void await(Future<?> task) throws IOException {
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
     * checks that. Flushes stop here: the writers flush after each family, the response once at its end.
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
        public void flush() {
        }

        @Override
        public void close() throws IOException {
            if (heldCount != held.length || !Arrays.equals(held, trailer)) {
                throw new IOException("client_java's writer did not end with its trailer; cannot write family by family");
            }
        }
    }
}
