package io.ebpfexporter.server.http;

import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the live view needs of one scrape of the programs and maps collectors (and, when it is on, the
 * attachments collector with the links), read from the same snapshots /metrics writes (in either naming
 * mode), so the page and the metrics never disagree.
 */
record LiveReading(long nanos, Map<String, Program> programs, List<MapFill> maps, Stats stats, boolean mapsCounted,
                   Attachments attachments) {
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

    /**
     * One place a program runs: the kind of target (the {@code <kind>} of an
     * {@code ebpf_program_<kind>_attachment_info} family, or {@code link} for a link none of those families
     * holds) and the series' non-empty labels but {@code prog_id}, in name order, then, for a series naming a
     * map the maps collector read, its {@code map_type}.
     */
    record Attachment(String kind, Map<String, String> labels) {
        /** Those attached to the target itself first, those a cgroup inherits last. */
        static final Comparator<Attachment> ORDER = Comparator.comparing((Attachment a) -> "true".equals(a.labels().get("inherited")))
                .thenComparing(Attachment::kind).thenComparing(a -> a.labels().toString());
    }

    /**
     * Whether the attachments collector ran; what failed in this scrape, so that some attachments are
     * missing (a source the kernel refused, by name, or the attachments or links collector as a whole);
     * each program's attachments by id.
     */
    record Attachments(boolean collected, List<String> incomplete, Map<String, List<Attachment>> byProgram) {
        static final Attachments NOT_COLLECTED = new Attachments(false, List.of(), Map.of());
    }

    /** Array map types in both naming modes: every slot always exists. */
    private static final Set<String> ARRAYS = Set.of("array", "percpu_array", "Array", "PerCPUArray");
    /** Every attachment family, named as client_java names an info family (without {@code _info}) or in full. */
    private static final Pattern ATTACHMENT_FAMILY = Pattern.compile("ebpf_program_(\\w+)_attachment(?:_info)?");
    /** The link families that say who holds or pins a link rather than where it attaches. */
    private static final Set<String> LINK_HOLDERS = Set.of("ebpf_link_owner", "ebpf_link_pin");

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
        Map<String, String> mapTypes = new HashMap<>();
        eachLabelled(byName.get("ebpf_map"), "map_id", (p, id) -> {
            String type = p.getLabels().get("map_type");
            mapTypes.put(id, type);
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
                byName.containsKey("ebpf_map_entries"), attachments(byName, mapTypes));
    }

    /** The same reading without its attachments: what is kept until the next one. */
    LiveReading withoutAttachments() {
        return new LiveReading(nanos, programs, maps, stats, mapsCounted,
                new Attachments(attachments.collected(), attachments.incomplete(), Map.of()));
    }

    /**
     * Every program's attachments: the series of every attachment family, and the links those do not
     * hold, each with the details of its {@code ebpf_link_<type>_info} series.
     */
    private static Attachments attachments(Map<String, MetricSnapshot> byName, Map<String, String> mapTypes) {
        Map<String, Double> collectors = values(byName.get("ebpf_exporter_collector_success"), "collector");
        if (!collectors.containsKey("attachments")) {
            return Attachments.NOT_COLLECTED;
        }
        Map<String, List<Attachment>> byProgram = new HashMap<>();
        Set<String> heldLinks = new HashSet<>();
        Map<String, Map<String, String>> linkDetails = new HashMap<>();
        byName.forEach((name, family) -> {
            Matcher kind = ATTACHMENT_FAMILY.matcher(name);
            if (kind.matches()) {
                eachLabelled(family, "prog_id", (p, id) -> {
                    Map<String, String> labels = labelsBut(p, "prog_id");
                    String mapType = mapTypes.get(labels.getOrDefault("map_id", ""));
                    if (mapType != null && !mapType.isEmpty()) {
                        labels.put("map_type", mapType);
                    }
                    heldLinks.add(labels.getOrDefault("link_id", ""));
                    byProgram.computeIfAbsent(id, k -> new ArrayList<>()).add(new Attachment(kind.group(1), labels));
                });
            } else if (family instanceof InfoSnapshot && name.startsWith("ebpf_link_") && !LINK_HOLDERS.contains(name)) {
                eachLabelled(family, "link_id", (p, id) -> linkDetails.put(id, labelsBut(p, "link_id")));
            }
        });
        eachLabelled(byName.get("ebpf_link"), "link_id", (p, id) -> {
            String program = p.getLabels().get("prog_id");
            if (id != null && !heldLinks.contains(id) && program != null && !program.isEmpty() && !program.equals("0")) {
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put("link_id", id);
                labels.put("link_type", p.getLabels().get("link_type"));
                labels.putAll(linkDetails.getOrDefault(id, Map.of()));
                byProgram.computeIfAbsent(program, k -> new ArrayList<>()).add(new Attachment("link", labels));
            }
        });
        byProgram.values().forEach(list -> list.sort(Attachment.ORDER));
        return new Attachments(true, incomplete(collectors, byName), byProgram);
    }

    /** The attachment sources the kernel refused in this scrape, and the attachments or links collector if it failed. */
    private static List<String> incomplete(Map<String, Double> collectors, Map<String, MetricSnapshot> byName) {
        List<String> out = new ArrayList<>();
        values(byName.get("ebpf_exporter_attachment_source_success"), "source").forEach((source, ok) -> {
            if (ok != 1) {
                out.add(source);
            }
        });
        for (String collector : List.of("attachments", "links")) {
            if (collectors.getOrDefault(collector, 1.0) != 1) {
                out.add(collector + " collector");
            }
        }
        out.sort(null);
        return out;
    }

    /** A series' non-empty labels but {@code left}, in name order. */
    private static Map<String, String> labelsBut(DataPointSnapshot point, String left) {
        Map<String, String> out = new LinkedHashMap<>();
        point.getLabels().forEach(l -> {
            if (!l.getName().equals(left) && !l.getValue().isEmpty()) {
                out.put(l.getName(), l.getValue());
            }
        });
        return out;
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
