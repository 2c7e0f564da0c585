package io.ebpfexporter.core;

import io.ebpfexporter.core.walk.Host;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FamilyTest {
    /** The collector's memory across the scrapes of one test. */
    private final CollectorMemory memory = new CollectorMemory();

    /** A new scrape of the same collector. */
    private ScrapeContext scrape() {
        return new ScrapeContext(1, memory, Host.LIVE);
    }

    @Test
    void oneObjectsSeriesInSingleLabelFamiliesShareTheirLabels() {
        ScrapeContext scrape = scrape();
        Family size = scrape.gauge("ebpf_test_size", "size", "map_id");
        Family frozen = scrape.gauge("ebpf_test_frozen", "frozen", "map_id");
        Family other = scrape.gauge("ebpf_test_other", "other", "prog_id");
        for (int id = 1; id <= 300; id++) {
            size.add(id * 10, Integer.toString(id));
            frozen.add(id % 2, Integer.toString(id));
            other.add(id, Integer.toString(id));
        }
        List<Labels> sizeLabels = labels(size);
        List<Labels> frozenLabels = labels(frozen);
        List<Labels> otherLabels = labels(other);
        for (int i = 0; i < 300; i++) {
            assertSame(sizeLabels.get(i), frozenLabels.get(i), "same object, same name: one Labels");
            assertNotSame(sizeLabels.get(i), otherLabels.get(i), "another label name: its own Labels");
            assertEquals(sizeLabels.get(i).getValue(0), otherLabels.get(i).getValue(0));
        }
    }

    @Test
    void anUnchangedObjectsInfoLabelsAreReusedByTheNextScrapeAndOnlyThen() {
        Labels first = onlyLabels(infoScrape("7", "hash"));
        Labels same = onlyLabels(infoScrape("7", "hash"));
        assertSame(first, same, "same values as the last scrape: its Labels");
        Labels changed = onlyLabels(infoScrape("7", "array"));
        assertNotSame(same, changed, "a changed value: new Labels");
        assertEquals("array", changed.get("map_type"));
        Family none = scrape().info("ebpf_test_reuse_info", "reuse", "map_id", "map_type");
        assertTrue(Family.snapshots(none).isEmpty());
        Labels after = onlyLabels(infoScrape("7", "array"));
        assertNotSame(changed, after, "a scrape without the object forgot its Labels");
        assertEquals(changed, after);
    }

    @Test
    void singleLabelSeriesAlsoReuseLastScrapesLabels() {
        List<Labels> first = labels(sizeScrape());
        List<Labels> second = labels(sizeScrape());
        for (int i = 0; i < first.size(); i++) {
            assertSame(first.get(i), second.get(i));
        }
    }

    private Family sizeScrape() {
        Family family = scrape().gauge("ebpf_test_reuse_size", "size", "map_id");
        for (int id = 1; id <= 50; id++) {
            family.add(id, Integer.toString(id));
        }
        return family;
    }

    @Test
    void reuseFollowsObjectsRemovedAddedAndChangedBetweenScrapes() {
        Family before = scrape().info("ebpf_test_churn_info", "churn", "map_id", "map_type");
        for (int id = 1; id <= 20; id++) {
            before.add(Integer.toString(id), "hash");
        }
        java.util.Map<String, Labels> old = new java.util.HashMap<>();
        labels(before).forEach(l -> old.put(l.get("map_id"), l));

        Family after = scrape().info("ebpf_test_churn_info", "churn", "map_id", "map_type");
        for (int id = 1; id <= 20; id++) {
            if (id >= 5 && id <= 7) {
                continue; // removed
            }
            after.add(Integer.toString(id), id == 15 ? "array" : "hash");
            if (id == 10) {
                after.add("100", "hash"); // added between
            }
        }
        for (Labels now : labels(after)) {
            String id = now.get("map_id");
            String type = id.equals("15") ? "array" : "hash";
            assertEquals(type, now.get("map_type"), id);
            if (id.equals("15") || id.equals("100")) {
                assertNotSame(old.get(id), now, id);
            } else {
                assertSame(old.get(id), now, "unchanged object " + id + " keeps its Labels");
            }
        }
    }

    private Family infoScrape(String id, String type) {
        Family family = scrape().info("ebpf_test_reuse_info", "reuse", "map_id", "map_type");
        family.add(id, type);
        return family;
    }

    private static Labels onlyLabels(Family family) {
        List<Labels> labels = labels(family);
        assertEquals(1, labels.size());
        return labels.get(0);
    }

    @Test
    void anUnchangedFamilyGivesTheSameSnapshotScrapeAfterScrape() {
        MetricSnapshot first = stableScrape(50, 1).snapshot();
        for (int i = 0; i < 5; i++) {
            assertSame(first, stableScrape(50, 1).snapshot(), "scrape " + (i + 2) + ": the very snapshot");
        }
    }

    @Test
    void aFamilyTheLastCollectDidNotMakeIsForgotten() {
        MetricSnapshot first = stableScrape(50, 1).snapshot();
        assertSame(first, stableScrape(50, 1).snapshot(), "made by the last collect: kept");
        scrape();
        assertNotSame(first, stableScrape(50, 1).snapshot(), "one collect without it: forgotten");
    }

    @Test
    void anUnchangedFamilyGivesItsLastSnapshotAndAnyChangeANewOne() {
        MetricSnapshot first = stableScrape(50, 1).snapshot();
        assertSame(first, stableScrape(50, 1).snapshot(), "same series, same values: the very snapshot");
        MetricSnapshot changed = stableScrape(50, 2).snapshot();
        assertNotSame(first, changed, "one value changed");
        assertEquals(2, ((GaugeSnapshot) changed).getDataPoints().stream()
                .filter(p -> p.getLabels().get("map_id").equals("50")).findFirst().orElseThrow().getValue());
        MetricSnapshot fewer = stableScrape(49, 2).snapshot();
        assertNotSame(changed, fewer, "one series fewer");
        assertEquals(49, fewer.getDataPoints().size());
        assertSame(fewer, stableScrape(49, 2).snapshot());
        assertNotSame(fewer, stableScrape(49, -0.0).snapshot(), "-0.0 is written otherwise than 2, and than 0.0");
        Family none = scrape().gauge("ebpf_test_stable", "stable", "map_id");
        assertTrue(Family.snapshots(none).isEmpty());
        assertNotSame(fewer, stableScrape(49, 2).snapshot(), "a scrape without series forgot the snapshot");
    }

    /** Series 1 to {@code objects - 1} valued by id, the last one {@code lastValue}. */
    private Family stableScrape(int objects, double lastValue) {
        Family family = scrape().gauge("ebpf_test_stable", "stable", "map_id");
        for (int id = 1; id <= objects; id++) {
            family.add(id == objects ? lastValue : id, Integer.toString(id));
        }
        return family;
    }

    @Test
    void eachCollectorsMemoryIsItsOwn() {
        Labels first = onlyLabels(infoScrape("7", "hash"));
        Family elsewhere = new ScrapeContext(1, new CollectorMemory(), Host.LIVE).info("ebpf_test_reuse_info", "reuse", "map_id", "map_type");
        elsewhere.add("7", "hash");
        assertNotSame(first, onlyLabels(elsewhere), "another collector's memory does not hold this one's Labels");
        assertSame(first, onlyLabels(infoScrape("7", "hash")));
    }

    @Test
    void valuesStayWithTheirSeriesPastTheInitialCapacity() {
        Family family = scrape().gauge("ebpf_test_value", "value", "map_id");
        for (int id = 0; id < 1000; id++) {
            family.add(id * 1.5, Integer.toString(id));
        }
        GaugeSnapshot snapshot = (GaugeSnapshot) family.snapshot();
        assertEquals(1000, snapshot.getDataPoints().size());
        for (GaugeSnapshot.GaugeDataPointSnapshot point : snapshot.getDataPoints()) {
            assertEquals(Integer.parseInt(point.getLabels().get("map_id")) * 1.5, point.getValue());
        }
    }

    @Test
    void wrongNumberOfValuesStillFails() {
        Family family = scrape().gauge("ebpf_test_value", "value", "map_id");
        assertThrows(IllegalArgumentException.class, () -> family.add(1, "1", "2"));
        assertTrue(family.isEmpty());
    }

    private static List<Labels> labels(Family family) {
        // data points come sorted by labels; these families hold the same ids, so the orders match
        return family.snapshot().getDataPoints().stream().map(DataPointSnapshot::getLabels).toList();
    }
}
