package io.ebpfexporter.server.scrape;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.testkit.Scrapes;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Family by family, written or from kept text, gives exactly the bytes client_java's writer gives for the
 * whole scrape in one pass.
 */
class ExpositionTextTest {
    private static final List<ExpositionFormatWriter> WRITERS =
            List.of(PrometheusTextFormatWriter.create(), OpenMetricsTextFormatWriter.create());
    private static final int CHUNK = 64 * 1024;

    @Test
    void everyWritingOfAScrapeIsByteForByteTheWholeText() throws IOException {
        for (int seed = 1; seed <= 5; seed++) {
            MetricSnapshots host = host(new Random(seed), 20_000);
            for (ExpositionFormatWriter writer : WRITERS) {
                ExpositionText text = new ExpositionText(writer, new FamilyTexts(64 << 20));
                byte[] whole = whole(writer, host);
                for (int scrape = 1; scrape <= 3; scrape++) { // written; written and kept; from kept text
                    assertArrayEquals(whole, written(text, host), writer.getContentType() + ", scrape " + scrape);
                }
            }
        }
    }

    @Test
    void emptyAndDuplicateNamedScrapesAreTheWholeText() throws IOException {
        Family a = Scrapes.context().gauge("test_dup_bytes", "dup", "id");
        a.add(1, "1");
        Family b = Scrapes.context().gauge("test_dup_bytes", "dup", "id");
        b.add(2, "2");
        List<MetricSnapshot> both = new ArrayList<>(Family.snapshots(a));
        both.addAll(Family.snapshots(b));
        for (MetricSnapshots snapshots : List.of(MetricSnapshots.of(), new MetricSnapshots(both))) {
            for (ExpositionFormatWriter writer : WRITERS) {
                ExpositionText text = new ExpositionText(writer, new FamilyTexts(1 << 20));
                for (int scrape = 1; scrape <= 3; scrape++) {
                    assertArrayEquals(whole(writer, snapshots), written(text, snapshots), writer.getContentType());
                }
            }
        }
    }

    @Test
    void aFamilyIsKeptFromItsSecondWritingWithinTheBudget() throws IOException {
        MetricSnapshot family = host(new Random(3), 1000).get(0);
        byte[] whole = whole(PrometheusTextFormatWriter.create(), MetricSnapshots.of(family));
        FamilyTexts texts = new FamilyTexts(whole.length + CHUNK);
        ExpositionText text = new ExpositionText(PrometheusTextFormatWriter.create(), texts);
        written(text, MetricSnapshots.of(family));
        assertFalse(isKept(texts, family), "written once: not kept");
        written(text, MetricSnapshots.of(family));
        assertTrue(isKept(texts, family), "written twice: kept");
        assertEquals(whole.length, java.util.Arrays.stream(texts.kept(family)).mapToInt(chunk -> chunk.length).sum());

        FamilyTexts small = new FamilyTexts(whole.length / 2);
        ExpositionText limited = new ExpositionText(PrometheusTextFormatWriter.create(), small);
        for (int scrape = 1; scrape <= 3; scrape++) {
            assertArrayEquals(whole, written(limited, MetricSnapshots.of(family)));
        }
        assertFalse(isKept(small, family), "beyond the budget: written, not kept");
    }

    @Test
    void theTextOfASupersededFamilyMakesRoomForItsSuccessor() throws IOException {
        MetricSnapshot old = host(new Random(5), 1000).get(0);
        MetricSnapshot successor = host(new Random(6), 1000).get(0);
        int length = whole(PrometheusTextFormatWriter.create(), MetricSnapshots.of(old)).length;
        FamilyTexts texts = new FamilyTexts((length / CHUNK + 1) * CHUNK); // one family's text at a time
        ExpositionText text = new ExpositionText(PrometheusTextFormatWriter.create(), texts);
        for (int scrape = 1; scrape <= 3; scrape++) {
            written(text, MetricSnapshots.of(old));
        }
        assertTrue(isKept(texts, old));
        for (int scrape = 1; scrape <= 3; scrape++) {
            written(text, MetricSnapshots.of(successor));
        }
        assertTrue(isKept(texts, successor), "the successor is kept");
        assertFalse(isKept(texts, old), "in place of the family the last two writes did not use");
    }

    @Test
    void aWriteThatFailsMidwayKeepsNothing() throws IOException {
        MetricSnapshot family = host(new Random(4), 5000).get(0);
        FamilyTexts texts = new FamilyTexts(64 << 20);
        ExpositionText text = new ExpositionText(PrometheusTextFormatWriter.create(), texts);
        written(text, MetricSnapshots.of(family));
        OutputStream breaking = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 100_000) {
                    throw new IOException("the scraper went away");
                }
            }
        };
        assertThrows(IOException.class, () -> text.write(MetricSnapshots.of(family), breaking));
        assertFalse(isKept(texts, family));
        assertArrayEquals(whole(PrometheusTextFormatWriter.create(), MetricSnapshots.of(family)),
                written(text, MetricSnapshots.of(family)));
        assertTrue(isKept(texts, family));
    }

    private static boolean isKept(FamilyTexts texts, MetricSnapshot family) {
        return texts.kept(family) != null;
    }

    private static byte[] whole(ExpositionFormatWriter writer, MetricSnapshots snapshots) throws IOException {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        writer.write(whole, snapshots);
        assertTrue(whole.size() > 0 || writer instanceof PrometheusTextFormatWriter);
        return whole.toByteArray();
    }

    private static byte[] written(ExpositionText text, MetricSnapshots snapshots) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        text.write(snapshots, out);
        return out.toByteArray();
    }

    /** Families of every type the collectors make, with label values that need escaping and UTF-8. */
    private static MetricSnapshots host(Random random, int objects) {
        Family info = Scrapes.context().info("test_map_info", "maps", "map_id", "map_name", "note");
        Family memlock = Scrapes.context().gauge("test_map_memlock_bytes", "bytes", "map_id").unit(Unit.BYTES);
        Family runs = Scrapes.context().counter("test_program_runs_total", "runs", "prog_id");
        Family other = Scrapes.context().untyped("test_other", "untyped", "id");
        for (int i = 0; i < objects; i++) {
            String id = Integer.toString(1_000_000 + i);
            info.add(id, "m" + random.nextInt(), switch (random.nextInt(4)) {
                case 0 -> "quote \" backslash \\ newline \n";
                case 1 -> "ünïcödé ✓";
                case 2 -> "";
                default -> "plain";
            });
            memlock.add(random.nextInt(1 << 20), id);
            runs.add(random.nextLong(1L << 40), id);
            if (i % 3 == 0) {
                other.add(random.nextDouble(), id);
            }
        }
        return new MetricSnapshots(Family.snapshots(info, memlock, runs, other));
    }
}
