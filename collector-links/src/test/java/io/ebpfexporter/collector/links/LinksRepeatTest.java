package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.testkit.LinkRecipes;
import io.ebpfexporter.testkit.RepeatedScrapes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

/**
 * Links, scraped again and again by one collector, expose what a fresh collector exposes, under both
 * privilege modes, before and after the host changes.
 */
class LinksRepeatTest {
    @ParameterizedTest
    @EnumSource(RepeatedScrapes.Mode.class)
    void repeatedScrapesExposeWhatAFreshCollectorDoes(RepeatedScrapes.Mode mode) {
        RepeatedScrapes.assertRepeatsAsFresh(mode, ObjectKind.LINKS, LinksCollector::new, fx -> List.of(
                fx.rawTracepoint(fx.program(LinkRecipes.PROG_RAW_TRACEPOINT, "rs_link_prog"), "sched_process_exec")));
    }
}
