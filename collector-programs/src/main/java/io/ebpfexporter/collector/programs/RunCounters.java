package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.info.ProgInfo;
import io.ebpfexporter.core.kernel.Naming;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.List;

/** run_cnt and run_time_ns of each program, under the configured naming scheme. */
final class RunCounters {
    private static final double NANOS_PER_SECOND = 1e9;

    private final Family count;
    private final Family duration;
    private final double durationScale;
    private final boolean seedIds;

    RunCounters(ScrapeContext scrape, Naming naming) {
        String countHelp = "Times the program ran while run statistics were on (bpf_prog_info.run_cnt)";
        String durationHelp = "Time the program spent running while run statistics were on (bpf_prog_info.run_time_ns)";
        if (naming == Naming.SEED) {
            // The seed's exact names: counters without _total, duration in nanoseconds, labelled id (its
            // spelling) and prog_id beside it, so it joins the other program series.
            count = scrape.untyped("ebpf_program_run_count", countHelp, "prog_id");
            duration = scrape.untyped("ebpf_program_run_duration_nanoseconds", durationHelp, "id", "prog_id");
            durationScale = 1;
            seedIds = true;
        } else {
            count = scrape.counter("ebpf_program_run_count_total", countHelp, "prog_id");
            duration = scrape.counter("ebpf_program_run_duration_seconds_total", durationHelp, "prog_id")
                    .unit(Unit.SECONDS);
            durationScale = NANOS_PER_SECOND;
            seedIds = false;
        }
    }

    void add(String id, ProgInfo program) {
        count.add(program.runCnt(), id);
        if (seedIds) {
            duration.add(program.runTimeNs() / durationScale, id, id);
        } else {
            duration.add(program.runTimeNs() / durationScale, id);
        }
    }

    List<MetricSnapshot> snapshots() {
        return Family.snapshots(count, duration);
    }
}
