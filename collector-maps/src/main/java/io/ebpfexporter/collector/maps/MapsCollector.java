package io.ebpfexporter.collector.maps;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.ObjectCollector;
import io.ebpfexporter.core.ObjectRow;
import io.ebpfexporter.core.ReferenceFamilies;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.config.Setting;
import io.ebpfexporter.core.config.Settings;
import io.ebpfexporter.core.info.FdInfo;
import io.ebpfexporter.core.info.MapInfo;
import io.ebpfexporter.core.kernel.KernelNames;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.core.walk.OpenObject;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Every eBPF map, from {@code struct bpf_map_info} and the map fd's fdinfo. */
public final class MapsCollector extends ObjectCollector {
    /**
     * What is read while a map is open, on the reader threads; the series are made from it after, on one
     * thread. fdinfo fields are -1 where the kernel does not report them.
     */
    private static final class Row extends ObjectRow<MapInfo, LabelValues> {
        final long memlockBytes;
        final long frozen;
        final EntryCount count;
        /** The kernel struct a struct_ops map fills, or "". */
        final String structOps;

        private Row(MapInfo info, long memlockBytes, long frozen, EntryCount count, String structOps) {
            super(info);
            this.memlockBytes = memlockBytes;
            this.frozen = frozen;
            this.count = count;
            this.structOps = structOps;
        }

        static Row read(OpenObject<MapInfo> map, EntryCount count, Host host) {
            FdInfo fdinfo = map.fdinfo();
            return new Row(map.info(), fdinfo.number("memlock"), fdinfo.number("frozen"), count,
                    StructOpsStructs.of(map, host));
        }

        @Override
        protected LabelValues format(MapInfo info, KernelNames names) {
            return new LabelValues(Integer.toUnsignedString(info.id()), info.typeName(names),
                    Long.toString(info.keySize()), Long.toString(info.valueSize()), Long.toString(info.mapFlags()));
        }
    }

    private record LabelValues(String id, String type, String keySize, String valueSize, String flags) {
    }

    private static final Setting COUNT_ENTRIES = Setting.bool("count_entries", false,
            "export ebpf_map_entries, counted per scrape within count_entries_budget per map", "--map-count-entries");
    private static final Setting COUNT_BUDGET = Setting.duration("count_entries_budget", "1s",
            "time one map's count may take before it is left out as truncated");
    private static final Setting USE_ITERATOR = Setting.bool("count_entries_iterator", true,
            "count hash-family maps by the kernel's element counts in one iterator pass (Linux 6.6), else by batch lookup");

    private boolean countEntries;
    private boolean useIterator;
    private Duration budget;

    public MapsCollector() {
        super("maps", ObjectKind.MAPS, "--collector.map", List.of(COUNT_ENTRIES, COUNT_BUDGET, USE_ITERATOR));
    }

    @Override
    public void configure(Settings settings) {
        super.configure(settings);
        countEntries = settings.bool(COUNT_ENTRIES);
        useIterator = settings.bool(USE_ITERATOR);
        budget = settings.duration(COUNT_BUDGET).orElseThrow();
        if (countEntries && useIterator) {
            MapElemCounts.probe(); // a kernel without the counting kfunc says so in the start-up line
        }
        if (budget.isZero() || budget.isNegative()) {
            throw new IllegalArgumentException(settings.where(COUNT_BUDGET.key()) + " must be a positive duration such as 1s");
        }
    }

    @Override
    public List<MetricSnapshot> collect(ScrapeContext scrape) {
        Family info = scrape.info("ebpf_map_info",
                "eBPF map (bpf_map_info): type, name, key and value sizes in bytes, map_flags in decimal",
                idLabel(), "map_type", "map_name", "key_size", "value_size", "flags");
        Family maxEntries = scrape.gauge("ebpf_map_max_entries", "Capacity of the map (bpf_map_info.max_entries)",
                idLabel());
        Family memlock = scrape.gauge("ebpf_map_memlock_bytes",
                "Memory charged to the map (fdinfo memlock, as bpftool's bytes_memlock)", idLabel()).unit(Unit.BYTES);
        Family frozen = scrape.gauge("ebpf_map_frozen",
                "1 if the map is frozen against writes from user space (fdinfo frozen)", idLabel());
        Family entries = scrape.gauge("ebpf_map_entries",
                "Entries in the map now, counted per scrape; for array and percpu_array it is max_entries,"
                        + " as every index always exists; absent for types that cannot be iterated",
                idLabel());
        Family truncated = scrape.gauge("ebpf_exporter_map_entries_truncated",
                "1 for a map whose entry count this scrape left out: the count budget ran out, or"
                        + " concurrent deletes disturbed the count twice",
                idLabel());
        Family structOps = scrape.info("ebpf_map_struct_ops_info",
                "struct_ops map: the kernel struct it fills (btf_vmlinux_value_type_id in the kernel's BTF),"
                        + " such as tcp_congestion_ops or sched_ext_ops", idLabel(), "kernel_struct_ops");
        ReferenceFamilies references = references(scrape);
        Map<Integer, Long> kernelCounts = countEntries && useIterator ? MapElemCounts.read().orElse(Map.of()) : Map.of();
        Consumer<Row> series = row -> {
            MapInfo m = row.info();
            LabelValues labels = row.labels(names());
            String id = labels.id();
            info.add(id, labels.type(), m.name(), labels.keySize(), labels.valueSize(), labels.flags());
            maxEntries.add(m.maxEntries(), id);
            if (row.memlockBytes >= 0) {
                memlock.add(row.memlockBytes, id);
            }
            if (row.frozen >= 0) {
                frozen.add(row.frozen, id);
            }
            EntryCount count = row.count;
            if (count != null && count.known()) {
                entries.add(count.entries(), id);
            } else if (count != null && count.status() != EntryCount.Status.NOT_ITERABLE) {
                truncated.add(1, id);
            }
            if (!row.structOps.isEmpty()) {
                structOps.add(id, row.structOps);
            }
            references.add(m.id(), id);
        };
        if (countEntries) { // a count is read every scrape, so no row is kept
            ObjectWalk.forEach(scrape.host().objects(), ObjectKind.MAPS,
                    map -> Row.read(map, MapEntries.count(map, budget, kernelCounts), scrape.host()), series,
                    scrape.readers());
        } else {
            scrape.walk(ObjectKind.MAPS, map -> Row.read(map, null, scrape.host()), series);
        }
        List<MetricSnapshot> out = new ArrayList<>(Family.snapshots(info, maxEntries, memlock, frozen, entries, truncated,
                structOps));
        out.addAll(references.snapshots());
        return out;
    }
}
