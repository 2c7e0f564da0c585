package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.RepeatedScrapes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

/**
 * Programs (one using a map, one named by its BTF func info), scraped again and again by one collector,
 * expose what a fresh collector exposes, under both privilege modes, before and after the host changes.
 */
class ProgramsRepeatTest {
    @ParameterizedTest
    @EnumSource(RepeatedScrapes.Mode.class)
    void repeatedScrapesExposeWhatAFreshCollectorDoes(RepeatedScrapes.Mode mode) {
        RepeatedScrapes.assertRepeatsAsFresh(mode, ObjectKind.PROGRAMS, ProgramsCollector::new, fx -> List.of(
                fx.programUsing(fx.map(Fixtures.MAP_HASH, 4, 8, 16, 0, "rs_used"), "rs_user"),
                fx.programWithFuncInfo("rs_function_with_a_long_name")));
    }
}
