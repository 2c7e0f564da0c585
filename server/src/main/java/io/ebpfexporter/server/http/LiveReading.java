package io.ebpfexporter.server.http;

import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What the live view needs of one scrape of the programs and maps collectors, read from the same
 * snapshots /metrics writes (in either naming mode), so the page and the metrics never disagree.
 */
record LiveReading(long nanos, Map<String, Program> programs, List<MapFill> maps, Stats stats, boolean mapsCounted) {
    /** A program's identity and its run counters (absent, -1, while statistics are off). */
    record Program(String id, String name, String type, double runs, double runSeconds) {
    }

    /** A counted map that is not an array (arrays are always full). */
    record MapFill(String id, String name, String type, double entries, double maxEntries) {
    }

    /**
     * The statistics mode and whether counting is on now; the ratio sampled counters read low by; whether
     * the exporter runs with reduced privileges, which cannot read run statistics at all.
     */
    record Stats(String mode, boolean counting, double sampleRatio, boolean reducedPrivileges) {
    }

    /** Array map types in both naming modes: every slot always exists. */
    private static final Set<String> ARRAYS = Set.of("array", "percpu_array", "Array", "PerCPUArray");

    static LiveReading of(MetricSnapshots snapshots, long nanos) {
        Map<String, MetricSnapshot> byName = new HashMap<>();
        snapshots.forEach(s -> byName.put(s.getMetadata().getName(), s));
        Map<String, Program> programs = new HashMap<>();
        eachLabelled(byName.get("ebpf_program"), "prog_id", (p, id) -> programs.put(id,
                new Program(id, p.getLabels().get("prog_name"), p.getLabels().get("prog_type"), -1, -1)));
        Map<String, Double> runs = values(byName.get("ebpf_program_run_count"), "prog_id");
        Map<String, Double> seconds = values(byName.get("ebpf_program_run_duration_seconds"), "prog_id");
        if (seconds.isEmpty()) { // seed naming: nanoseconds
            values(byName.get("ebpf_program_run_duration_nanoseconds"), "prog_id").forEach((id, ns) -> seconds.put(id, ns / 1e9));
        }
        programs.replaceAll((id, p) -> runs.containsKey(id) && seconds.containsKey(id)
                ? new Program(id, p.name(), p.type(), runs.get(id), seconds.get(id)) : p);

        Map<String, Double> entries = values(byName.get("ebpf_map_entries"), "map_id");
        Map<String, Double> max = values(byName.get("ebpf_map_max_entries"), "map_id");
        List<MapFill> maps = new java.util.ArrayList<>();
        eachLabelled(byName.get("ebpf_map"), "map_id", (p, id) -> {
            String type = p.getLabels().get("map_type");
            if (entries.containsKey(id) && max.getOrDefault(id, 0.0) > 0 && !ARRAYS.contains(type)) {
                maps.add(new MapFill(id, p.getLabels().get("map_name"), type, entries.get(id), max.get(id)));
            }
        });
        boolean counting = values(byName.get("ebpf_exporter_program_stats_enabled"), null).getOrDefault("", 0.0) == 1;
        String mode = Optional.ofNullable(byName.get("ebpf_exporter_program_stats_mode")).map(m -> m.getDataPoints())
                .filter(points -> !points.isEmpty()).map(points -> points.get(0).getLabels().get("mode")).orElse("");
        double ratio = values(byName.get("ebpf_exporter_program_stats_sample_ratio"), null).getOrDefault("", 1.0);
        boolean reduced = values(byName.get("ebpf_exporter_reduced_privileges"), null).getOrDefault("", 0.0) == 1;
        return new LiveReading(nanos, programs, maps, new Stats(mode, counting, ratio, reduced),
                byName.containsKey("ebpf_map_entries"));
    }

    private static void eachLabelled(MetricSnapshot family, String idLabel, BiConsumer<DataPointSnapshot, String> action) {
        if (family != null) {
            family.getDataPoints().forEach(p -> action.accept(p, p.getLabels().get(idLabel)));
        }
    }

    /** Values by the {@code idLabel} label ("" for a family without labels). */
    private static Map<String, Double> values(MetricSnapshot family, String idLabel) {
        Map<String, Double> out = new HashMap<>();
        if (family != null) {
            for (DataPointSnapshot p : family.getDataPoints()) {
                String key = idLabel == null ? "" : p.getLabels().get(idLabel);
                switch (p) {
                    case CounterDataPointSnapshot c -> out.put(key, c.getValue());
                    case GaugeDataPointSnapshot g -> out.put(key, g.getValue());
                    case UnknownDataPointSnapshot u -> out.put(key, u.getValue());
                    default -> { } // no other type carries these series
                }
            }
        }
        return out;
    }
}
