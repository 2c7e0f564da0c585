package io.ebpfexporter.server.scrape;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The text of families, kept by snapshot for the scrapes after. A family that did not change is the very
 * snapshot of the scrape before (core's Family), so its text is the text written then. A family's text is
 * kept from the second time its snapshot is written: most families of a host whose objects change
 * (run counts, entry counts) are new every scrape, and keeping their text would only copy it. Keys are
 * weak, so a family's text goes with its snapshot once the collector holds a newer one. One format's
 * text; all it keeps and is copying stays within a budget, beyond which a family's text is written, just
 * not kept.
 */
public final class FamilyTexts {
    private static final int CHUNK = 64 * 1024;

    /** A family's kept text, or none yet for one written once; and the last write that used it. */
    private static final class Text {
        final byte[][] chunks;
        final long bytes;
        long lastWrite;

        Text(byte[][] chunks, long lastWrite) {
            this.chunks = chunks;
            this.bytes = chunks == null ? 0 : Arrays.stream(chunks).mapToLong(c -> c.length).sum();
            this.lastWrite = lastWrite;
        }
    }

    private final long budget;
    private final Map<MetricSnapshot, Text> texts = new WeakHashMap<>(); // guarded by this
    private long copying; // guarded by this: bytes being copied by the writes under way
    private long writes; // guarded by this: writes begun

    public FamilyTexts(long budget) {
        this.budget = budget;
    }

    /** A write of a scrape's text begins: what it uses counts as in use. */
    synchronized void beginWrite() {
        writes++;
    }

    /** The kept text of {@code family}, in chunks, or null. */
    synchronized byte[][] kept(MetricSnapshot family) {
        Text text = texts.get(family);
        if (text == null || text.chunks == null) {
            return null;
        }
        text.lastWrite = writes;
        return text.chunks;
    }

    /**
     * For {@code family}, whose text is not kept: null the first time, else a stream that passes the text
     * on to {@code out} and keeps a copy when {@link Copy#keep} says it is whole.
     */
    synchronized Copy copying(MetricSnapshot family, OutputStream out) {
        return texts.putIfAbsent(family, new Text(null, writes)) == null ? null : new Copy(family, out);
    }

    /**
     * Room for {@code bytes} more. When there is none, the text of families the last two writes did not
     * use goes first: a superseded snapshot that reached the old generation is freed only by a full
     * collection, and its text would hold the budget until then.
     */
    private synchronized boolean reserve(int bytes) {
        if (kept() + copying + bytes > budget) {
            texts.values().removeIf(text -> text.lastWrite < writes - 1);
        }
        if (kept() + copying + bytes > budget) {
            return false;
        }
        copying += bytes;
        return true;
    }

    private long kept() {
        long kept = 0;
        for (Text text : texts.values()) {
            kept += text.bytes;
        }
        return kept;
    }

    private synchronized void release(long bytes, MetricSnapshot family, byte[][] chunks) {
        copying -= bytes;
        if (chunks != null) {
            texts.put(family, new Text(chunks, writes));
        }
    }

    /** A family's text passing through to the response, copied in chunks while the budget allows. */
    final class Copy extends FilterOutputStream {
        private final MetricSnapshot family;
        private List<byte[]> chunks = new ArrayList<>();
        private int used = CHUNK; // in the last chunk: a full one makes the first write take a chunk
        private long reserved;
        private boolean done;

        private Copy(MetricSnapshot family, OutputStream out) {
            super(out);
            this.family = family;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            for (int at = off, left = len; chunks != null && left > 0; ) {
                if (used == CHUNK) {
                    if (!reserve(CHUNK)) {
                        chunks = null; // beyond the budget: passed on, not kept
                        break;
                    }
                    reserved += CHUNK;
                    chunks.add(new byte[CHUNK]);
                    used = 0;
                }
                int n = Math.min(left, CHUNK - used);
                System.arraycopy(b, at, chunks.getLast(), used, n);
                used += n;
                at += n;
                left -= n;
            }
        }

        /** The family's whole text has passed: keep it. */
        void keep() {
            finish(true);
        }

        /** Gives back what this copy reserved; a text not {@link #keep kept} before is dropped. */
        void drop() {
            finish(false);
        }

        private void finish(boolean whole) {
            if (done) {
                return;
            }
            done = true;
            byte[][] text = null;
            if (whole && chunks != null) {
                text = chunks.toArray(new byte[0][]);
                if (text.length > 0) {
                    text[text.length - 1] = Arrays.copyOf(text[text.length - 1], used);
                }
            }
            release(reserved, family, text);
        }
    }
}
