package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.ObjectCollector;
import io.ebpfexporter.core.ObjectRow;
import io.ebpfexporter.core.ReferenceFamilies;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.StructView;
import io.ebpfexporter.core.config.GoDuration;
import io.ebpfexporter.core.config.Settings;
import io.ebpfexporter.core.info.ProgInfo;
import io.ebpfexporter.core.kernel.KernelNames;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectKind;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Every loaded eBPF program, from {@code struct bpf_prog_info}, and the run statistics modes. */
public final class ProgramsCollector extends ObjectCollector {
    /** What is read while a program is open. */
    private static final class Row extends ObjectRow<ProgInfo, LabelValues> {
        final long memlockBytes;
        final String fullName;

        Row(ProgInfo info, long memlockBytes, String fullName) {
            super(info);
            this.memlockBytes = memlockBytes;
            this.fullName = fullName;
        }

        @Override
        protected LabelValues format(ProgInfo info, KernelNames names) {
            return new LabelValues(Integer.toUnsignedString(info.id()), info.typeName(names),
                    orEmpty(info.btfId()), orEmpty(info.createdByUid()),
                    info.mapIds().stream().map(Integer::toUnsignedString).toList());
        }
    }

    private record LabelValues(String id, String type, String btfId, String uid, List<String> mapIds) {
    }

    /** A label's value, empty (the label absent) where the source does not report the field. */
    private static String orEmpty(long value) {
        return value == StructView.ABSENT ? "" : Long.toString(value);
    }

    private StatsMode statsMode = StatsMode.DISABLED;
    private StatsSwitch stats = new StatsSwitch(statsMode);
    /** Why the configured statistics mode cannot be had here (empty if it can): its series go, not the process. */
    private String statsUnavailable = "";
    private final FullNames fullNames = new FullNames();
    /** The last scrape's, which a scrape keeps while its own reading agrees with it. */
    private volatile BootClock bootClock;

    public ProgramsCollector() {
        super("programs", ObjectKind.PROGRAMS, "--collector.prog", StatsMode.ALL);
    }

    @Override
    public void configure(Settings settings) {
        super.configure(settings);
        statsMode = StatsMode.from(settings);
        stats = new StatsSwitch(statsMode);
        statsUnavailable = "";
        try {
            stats.start();
        } catch (BpfException e) {
            String where = settings.where(StatsMode.MODE.key()) + " " + statsMode.kind().name().toLowerCase(Locale.ROOT);
            if (e.errno() != Errno.EPERM) {
                throw new IllegalArgumentException(where + ": the kernel refused BPF_ENABLE_STATS (" + e.getMessage()
                        + (e.errno() == Errno.EINVAL ? "); it needs Linux 5.8 or newer" : ")")
                        + ", else set it to disabled");
            }
            stats = new StatsSwitch(StatsMode.DISABLED);
            statsUnavailable = where + " unavailable: BPF_ENABLE_STATS needs CAP_SYS_ADMIN, which this process lacks"
                    + " (EPERM); run statistics are not exported";
        }
    }

    @Override
    public String startupNote() {
        if (!statsUnavailable.isEmpty()) {
            return statsUnavailable;
        }
        return switch (statsMode.kind()) {
            case DISABLED -> "";
            case ENABLED -> "program stats always on: every BPF program on the host pays for run-time accounting";
            case SAMPLE -> "program stats sampled " + GoDuration.format(statsMode.duration()) + " every "
                    + GoDuration.format(statsMode.interval()) + ": run rates read "
                    + String.format(Locale.ROOT, "%.3g", 1 / statsMode.sampleRatio())
                    + " times low; divide them by ebpf_exporter_program_stats_sample_ratio";
        };
    }

    @Override
    public List<MetricSnapshot> collect(ScrapeContext scrape) {
        Family info = scrape.info("ebpf_program_info",
                "Loaded eBPF program (bpf_prog_info): id, type, name and tag as bpftool shows them, the id of"
                        + " its BTF (0 if none) and the uid that loaded it",
                idLabel(), "prog_type", "prog_name", "tag", "btf_id", "created_by_uid");
        Family verified = scrape.gauge("ebpf_program_verified_instructions",
                "Instructions the verifier processed when loading the program (bpf_prog_info.verified_insns)",
                idLabel());
        Family jited = scrape.gauge("ebpf_program_jited_bytes",
                "Size of the JIT-compiled program (bpf_prog_info.jited_prog_len)", idLabel()).unit(Unit.BYTES);
        Family translated = scrape.gauge("ebpf_program_translated_bytes",
                "Size of the program after the verifier rewrote it (bpf_prog_info.xlated_prog_len)", idLabel())
                .unit(Unit.BYTES);
        Family memlock = scrape.gauge("ebpf_program_memlock_bytes",
                "Memory charged to the program (fdinfo memlock, as bpftool's bytes_memlock)", idLabel())
                .unit(Unit.BYTES);
        Family loaded = scrape.gauge("ebpf_program_loaded_timestamp_seconds",
                "When the program was loaded, as Unix time (bpf_prog_info.load_time from boot time)", idLabel());
        Family recursionMisses = scrape.counter("ebpf_program_recursion_misses_total",
                "Runs the kernel skipped because the program was already running on that CPU"
                        + " (bpf_prog_info.recursion_misses)", idLabel());
        Family usesMap = scrape.info("ebpf_program_map_info", "The program uses the map (bpf_prog_info.map_ids)",
                idLabel(), "map_id");
        RunCounters runs = exportRunCounters(scrape.host()) ? new RunCounters(scrape, naming()) : null;
        BootClock clock = BootClock.read(scrape.host(), bootClock);
        bootClock = clock;
        ReferenceFamilies references = references(scrape);
        Family fullName = scrape.info("ebpf_program_full_name_info", "The whole name of a program whose name the"
                + " kernel cut at 15 characters: its first function's name in its BTF func info", idLabel(), "full_name");
        Set<Integer> seen = new HashSet<>();
        boolean consumed = scrape.walk(ObjectKind.PROGRAMS,
                program -> new Row(program.info(), program.fdinfo().number("memlock"), fullNames.of(program)), clock,
                row -> {
                    ProgInfo p = row.info();
                    LabelValues labels = row.labels(names());
                    String id = labels.id();
                    info.add(id, labels.type(), p.name(), p.tag(), labels.btfId(), labels.uid());
                    if (p.verifiedInsns() != StructView.ABSENT) {
                        verified.add(p.verifiedInsns(), id);
                    }
                    jited.add(p.jitedProgLen(), id);
                    translated.add(p.xlatedProgLen(), id);
                    if (row.memlockBytes >= 0) {
                        memlock.add(row.memlockBytes, id);
                    }
                    loaded.add(clock.unixSeconds(p.loadTimeNs()), id);
                    if (p.recursionMisses() != StructView.ABSENT) {
                        recursionMisses.add(p.recursionMisses(), id);
                    }
                    labels.mapIds().forEach(mapId -> usesMap.add(id, mapId));
                    references.add(p.id(), id);
                    seen.add(p.id());
                    if (!row.fullName.isEmpty()) {
                        fullName.add(id, row.fullName);
                    }
                    if (runs != null && p.runCnt() != StructView.ABSENT) {
                        runs.add(id, p);
                    }
                });
        if (consumed) { // else the programs are the last walk's
            fullNames.retain(seen);
        }
        List<MetricSnapshot> out = new ArrayList<>(Family.snapshots(
                info, fullName, verified, jited, translated, memlock, loaded, recursionMisses, usesMap));
        if (runs != null) {
            out.addAll(runs.snapshots());
        }
        out.addAll(references.snapshots());
        out.addAll(Family.snapshots(statsState(scrape)));
        return out;
    }

    /** Counters are exported whenever the exporter turns counting on, or the sysctl does. */
    private boolean exportRunCounters(Host host) {
        return statsMode.kind() != StatsMode.Kind.DISABLED && statsUnavailable.isEmpty()
                || RunTimeStats.sysctlEnabled(host);
    }

    private Family[] statsState(ScrapeContext scrape) {
        Family enabled = scrape.gauge("ebpf_exporter_program_stats_enabled",
                "1 if program run statistics are known to be counting now: this exporter holds them on"
                        + " (stats.mode enabled, or inside a sample window) or kernel.bpf_stats_enabled is 1");
        enabled.add(stats.holding() || RunTimeStats.sysctlEnabled(scrape.host()) ? 1 : 0);
        Family mode = scrape.info("ebpf_exporter_program_stats_mode_info",
                "collectors.programs.stats.mode as configured: disabled, enabled or sample; unavailable when the"
                        + " kernel refused it for want of CAP_SYS_ADMIN", "mode");
        mode.add(statsUnavailable.isEmpty() ? statsMode.kind().name().toLowerCase(Locale.ROOT) : "unavailable");
        if (statsMode.kind() != StatsMode.Kind.SAMPLE || !statsUnavailable.isEmpty()) {
            return new Family[] {enabled, mode};
        }
        Family ratio = scrape.gauge("ebpf_exporter_program_stats_sample_ratio",
                "Share of the time run statistics count: stats.sample_duration / stats.sample_interval, or 1 while"
                        + " kernel.bpf_stats_enabled is 1 (counting then never stops); rates read low by this factor");
        ratio.add(RunTimeStats.sysctlEnabled(scrape.host()) ? 1 : statsMode.sampleRatio());
        return new Family[] {enabled, mode, ratio};
    }

    @Override
    public void close() {
        stats.close();
    }
}
