package io.ebpfexporter.collector.btf;

import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.testkit.RepeatedScrapes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

/**
 * BTF objects, scraped again and again by one collector, expose what a fresh collector exposes, under both
 * privilege modes, before and after the host changes.
 */
class BtfRepeatTest {
    @ParameterizedTest
    @EnumSource(RepeatedScrapes.Mode.class)
    void repeatedScrapesExposeWhatAFreshCollectorDoes(RepeatedScrapes.Mode mode) {
        RepeatedScrapes.assertRepeatsAsFresh(mode, ObjectKind.BTFS, BtfCollector::new, fx -> List.of(fx.tinyBtf()));
    }
}
