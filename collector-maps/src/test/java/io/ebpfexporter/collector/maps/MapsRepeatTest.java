package io.ebpfexporter.collector.maps;

import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.RepeatedScrapes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.function.Function;

/**
 * Maps (one frozen once the host changes), scraped again and again by one collector, expose what a fresh
 * collector exposes, under both privilege modes, before and after the host changes.
 */
class MapsRepeatTest {
    /** Makes a map each time, and freezes the first one made (its record changes). */
    private static final class Recipe implements Function<Fixtures, List<Fixtures.Made>> {
        private Fixtures.Made first;

        @Override
        public List<Fixtures.Made> apply(Fixtures fx) {
            Fixtures.Made made = fx.map(Fixtures.MAP_ARRAY, 4, 4, 2, 0, "rs_map");
            if (first == null) {
                first = made;
            } else {
                fx.freeze(first);
            }
            return List.of(made);
        }
    }

    @ParameterizedTest
    @EnumSource(RepeatedScrapes.Mode.class)
    void repeatedScrapesExposeWhatAFreshCollectorDoes(RepeatedScrapes.Mode mode) {
        RepeatedScrapes.assertRepeatsAsFresh(mode, ObjectKind.MAPS, MapsCollector::new, new Recipe());
    }
}
