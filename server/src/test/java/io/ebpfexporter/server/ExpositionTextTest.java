package io.ebpfexporter.server;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.testkit.Scrapes;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writing in two halves gives exactly the bytes client_java's writer gives in one pass. */
class ExpositionTextTest {
    private static final List<ExpositionFormatWriter> WRITERS =
            List.of(PrometheusTextFormatWriter.create(), OpenMetricsTextFormatWriter.create());

    @Test
    void aLargeScrapeWrittenInHalvesIsByteForByteTheWholeText() throws IOException {
        for (int seed = 1; seed <= 5; seed++) {
            assertSameText(host(new Random(seed), 3 * ScrapeThreads.SPLIT_TEXT_AT));
        }
    }

    @Test
    void smallScrapesAndOneHugeFamilyAreWrittenWhole() throws IOException {
        assertSameText(MetricSnapshots.of());
        assertSameText(host(new Random(7), 10));
        Family one = Scrapes.context().gauge("test_only_bytes", "one family", "id");
        for (int i = 0; i < 2 * ScrapeThreads.SPLIT_TEXT_AT; i++) {
            one.add(i, Integer.toString(i));
        }
        assertSameText(new MetricSnapshots(Family.snapshots(one)));
    }

    private static void assertSameText(MetricSnapshots snapshots) throws IOException {
        for (ExpositionFormatWriter writer : WRITERS) {
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            writer.write(whole, snapshots);
            ByteArrayOutputStream halves = new ByteArrayOutputStream();
            new ExpositionText(writer, new ScrapeThreads(2)).write(snapshots, halves);
            assertArrayEquals(whole.toByteArray(), halves.toByteArray(), writer.getContentType());
            assertTrue(whole.size() > 0 || writer instanceof PrometheusTextFormatWriter);
        }
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
