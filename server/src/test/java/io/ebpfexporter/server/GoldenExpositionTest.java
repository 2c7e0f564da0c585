package io.ebpfexporter.server;

import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.testkit.Recording;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real objects recorded once on Linux 6.18 ({@link GoldenRecorder}), replayed through the walk, every
 * collector and the text writer, with no kernel and no root: the whole exposition must equal the
 * checked-in file, in both naming modes. A deliberate change of the output re-records them.
 */
class GoldenExpositionTest {

    @Test
    void replayedObjectsGiveTheGoldenExposition() throws Exception {
        for (Naming naming : Naming.values()) {
            String expected = Files.readString(GoldenExposition.expected(naming));
            String actual = GoldenExposition.of(Recording.replay(GoldenExposition.RECORDING), naming);
            assertEquals(expected, actual, naming + ": the exposition differs from " + GoldenExposition.expected(naming)
                    + "; if the change is meant, re-record with server/record-golden.sh and review the diff");
        }
    }

    @Test
    void theRecordingCoversEveryKindOfObject() throws Exception {
        String standard = Files.readString(GoldenExposition.expected(Naming.STANDARD));
        for (String family : new String[] {"ebpf_program_info{", "ebpf_program_run_count_total{", "ebpf_map_info{",
                "ebpf_map_frozen{", "ebpf_program_map_info{", "ebpf_btf_info{", "ebpf_link_raw_tracepoint_info{",
                "ebpf_link_cgroup_info{", "ebpf_link_iter_info{", "ebpf_link_netns_info{", "ebpf_link_xdp_info{",
                "ebpf_link_perf_event_info{", "ebpf_link_netfilter_info{", "ebpf_link_tcx_info{",
                "ebpf_link_uprobe_multi_info{", "ebpf_link_sockmap_info{", "ebpf_link_struct_ops_info{"}) {
            assertTrue(standard.contains(family), family + " in the golden file");
        }
        assertTrue(Files.readString(GoldenExposition.expected(Naming.SEED)).contains("ebpf_program_run_count{"));
    }
}
