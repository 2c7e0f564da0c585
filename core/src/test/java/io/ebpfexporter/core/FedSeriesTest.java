package io.ebpfexporter.core;

import io.ebpfexporter.core.info.MapInfo;
import io.ebpfexporter.core.iter.IteratedObjects;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A walk whose results are the last walk's repeats the series its consumer added, in every family the
 * consumer added to, without calling it; a changed input, a family declared anew or a changed object
 * calls the consumer again. Objects are listed by the iterators, whose records a walk compares.
 */
class FedSeriesTest {
    /** How many scrapes may pass before the host is quiet for two in a row: other tests share it. */
    private static final int ATTEMPTS = 50;

    private final CollectorMemory memory = new CollectorMemory();
    /** Calls of the consumers of every scrape so far. */
    private int consumerCalls;

    /** One scrape's series of the test's maps, and whether the walk called the consumer. */
    private record Scrape(List<String> series, boolean consumed, int consumerCalls) {
    }

    /**
     * A collector's scrape: families declared before the walk, one added to before and after it, two fed
     * by its consumer (one of them added to after it too); with {@code extra}, one family more.
     */
    private Scrape scrape(IteratedObjects source, Set<Integer> ids, Object inputs, boolean extra) {
        ScrapeContext scrape = new ScrapeContext(2, memory, Host.live(source));
        int callsBefore = consumerCalls;
        Family around = scrape.gauge("test_fed_around", "added to outside the walk", "when");
        Family info = scrape.info("test_fed_map_info", "fed by the walk", "map_id", "map_name", "input");
        Family size = scrape.gauge("test_fed_map_key_size", "fed by the walk", "map_id");
        Family more = extra ? scrape.gauge("test_fed_more", "declared only sometimes", "map_id") : null;
        around.add(1, "before");
        boolean consumed = scrape.walk(ObjectKind.MAPS, object -> object.info(), inputs, (MapInfo map) -> {
            consumerCalls++;
            if (ids.contains(map.id())) {
                String id = Integer.toString(map.id());
                info.add(id, map.name(), inputs.toString());
                size.add(map.keySize(), id);
                if (more != null) {
                    more.add(1, id);
                }
            }
        });
        around.add(2, "after");
        size.add(0, "after the walk"); // a fed family added to after its repeated series
        List<MetricSnapshot> snapshots = extra ? Family.snapshots(around, info, size, more) : Family.snapshots(around, info, size);
        return new Scrape(series(snapshots), consumed, consumerCalls - callsBefore);
    }

    private static List<String> series(List<MetricSnapshot> snapshots) {
        List<String> out = new ArrayList<>();
        for (MetricSnapshot snapshot : snapshots) {
            String name = snapshot.getMetadata().getName();
            if (snapshot instanceof InfoSnapshot info) {
                info.getDataPoints().forEach(p -> out.add(name + p.getLabels()));
            } else {
                ((GaugeSnapshot) snapshot).getDataPoints().forEach(p -> out.add(name + p.getLabels() + " " + p.getValue()));
            }
        }
        return out;
    }

    /** Scrapes until one repeats the last walk without its consumer; fails if none does in {@link #ATTEMPTS}. */
    private Scrape repeated(IteratedObjects source, Set<Integer> ids, Object inputs, boolean extra) {
        for (int i = 0; i < ATTEMPTS; i++) {
            Scrape scrape = scrape(source, ids, inputs, extra);
            if (!scrape.consumed()) {
                return scrape;
            }
        }
        throw new AssertionError("no walk of " + ATTEMPTS + " repeated the last one: the host never stood still");
    }

    @Test
    void anUnchangedWalkRepeatsWhatItsConsumerAddedAndAChangeCallsItAgain() {
        Kernel.requireBpf();
        KernelFeatures.require(KernelFeatures.member("bpf_iter__bpf_map", "map"), "iter/bpf_map", "5.8");
        try (Fixtures fx = new Fixtures(); IteratedObjects source = IteratedObjects.forThisKernel()) {
            Fixtures.Made first = fx.map(Fixtures.MAP_HASH, 8, 8, 16, 0, "fed_first");
            Fixtures.Made second = fx.map(Fixtures.MAP_ARRAY, 4, 8, 2, 0, "fed_second");
            Set<Integer> ids = Set.of(first.id(), second.id());
            Scrape fresh = scrape(source, ids, "a", false);
            assertTrue(fresh.consumed());
            assertEquals(7, fresh.series().size(), fresh.series().toString());

            Scrape repeat = repeated(source, ids, "a", false);
            assertEquals(fresh.series(), repeat.series(), "every fed family, and the one added to around the walk");
            assertEquals(0, repeat.consumerCalls());

            Scrape changedInput = scrape(source, ids, "b", false);
            assertTrue(changedInput.consumed(), "another input: the consumer runs");
            assertTrue(changedInput.series().contains("test_fed_map{input=\"b\",map_id=\"" + first.id()
                    + "\",map_name=\"fed_first\"}"), changedInput.series().toString());

            repeated(source, ids, "b", false);
            Scrape declared = scrape(source, ids, "b", true);
            assertTrue(declared.consumed(), "a family declared anew: the consumer runs");
            assertEquals(changedInput.series().size() + 2, declared.series().size(), declared.series().toString());

            repeated(source, ids, "b", false);
            fx.freeze(second);
            Fixtures.Made third = fx.map(Fixtures.MAP_HASH, 4, 4, 8, 0, "fed_third");
            Set<Integer> three = Set.of(first.id(), second.id(), third.id());
            Scrape changedHost = scrape(source, three, "b", false);
            assertTrue(changedHost.consumed(), "a map made and one frozen: the consumer runs");
            assertEquals(9, changedHost.series().size(), changedHost.series().toString());
            assertEquals(changedHost.series(), repeated(source, three, "b", false).series());
        }
    }
}
