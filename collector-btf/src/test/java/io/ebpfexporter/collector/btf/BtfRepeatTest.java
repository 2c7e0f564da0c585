package io.ebpfexporter.collector.btf;

import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.RepeatedScrapes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

/**
 * BTF objects, scraped again and again by one collector, expose what a fresh collector exposes, under both
 * privilege modes, before and after the host changes.
 */
class BtfRepeatTest {
    private static BtfCollector collector() {
        BtfCollector c = new BtfCollector();
        c.configure(new MapSettings("btf", Map.of()));
        return c;
    }

    @ParameterizedTest
    @EnumSource(RepeatedScrapes.Mode.class)
    void repeatedScrapesExposeWhatAFreshCollectorDoes(RepeatedScrapes.Mode mode) {
        RepeatedScrapes.assertRepeatsAsFresh(mode, ObjectKind.BTFS, "btf_id", BtfRepeatTest::collector, fx -> List.of(fx.tinyBtf()));
    }
}
