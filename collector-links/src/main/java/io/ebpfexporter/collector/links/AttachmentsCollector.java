package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.config.Setting;
import io.ebpfexporter.core.config.Settings;
import io.ebpfexporter.core.kernel.KernelNames;
import io.ebpfexporter.core.kernel.Naming;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where every program runs, whatever attached it: one family per kind of target (interfaces, cgroups),
 * filled by the {@link AttachmentSource}s found with ServiceLoader, each on its own so one the kernel
 * refuses leaves the others' series. Off by default: it walks every cgroup and dumps every interface's
 * filters each scrape, a cost that grows with the host rather than with its BPF objects.
 */
public final class AttachmentsCollector implements Collector {
    static final Setting CGROUP_INHERITED = Setting.bool("cgroup_inherited", false,
            "also export, in every cgroup, the programs it runs as attached to an ancestor (inherited=\"true\"):"
                    + " one series per program and descendant cgroup");
    private static final System.Logger LOG = System.getLogger(AttachmentsCollector.class.getName());

    private final List<AttachmentSource> sources = new ArrayList<>();
    /** Sources whose last scrape failed: a refusal is logged when it starts, not every scrape. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private Naming naming = Naming.STANDARD;
    private boolean cgroupInherited;

    public AttachmentsCollector() {
        ServiceLoader.load(AttachmentSource.class, AttachmentsCollector.class.getClassLoader()).forEach(sources::add);
        sources.sort((a, b) -> a.name().compareTo(b.name()));
    }

    @Override
    public String name() {
        return "attachments";
    }

    @Override
    public boolean enabledByDefault() {
        return false;
    }

    @Override
    public List<Setting> settings() {
        return List.of(CGROUP_INHERITED);
    }

    @Override
    public void configure(Settings settings) {
        naming = settings.naming();
        cgroupInherited = settings.bool(CGROUP_INHERITED);
    }

    /** The kinds of hook this build reads. */
    List<String> sourceNames() {
        return sources.stream().map(AttachmentSource::name).toList();
    }

    @Override
    public List<MetricSnapshot> collect(ScrapeContext scrape) {
        if (!scrape.host().isLive()) {
            return List.of(); // netlink and BPF_PROG_QUERY answer for the running kernel only
        }
        Map<AttachmentFamily, Family> families = new EnumMap<>(AttachmentFamily.class);
        for (AttachmentFamily f : AttachmentFamily.values()) {
            families.put(f, f.newFamily(scrape));
        }
        Family success = scrape.gauge("ebpf_exporter_attachment_source_success",
                "1 if the kernel answered every query of this kind of hook in this scrape, 0 if it refused one"
                        + " (the exporter logs why when it starts refusing): its series are then incomplete", "source");
        try (AttachmentScan scan = new AttachmentScan(scrape, KernelNames.of(naming), cgroupInherited)) {
            for (AttachmentSource source : sources) {
                success.add(collect(source, scan, families.get(source.family())), source.name());
            }
        }
        List<MetricSnapshot> out = new ArrayList<>(Family.snapshots(families.values().toArray(Family[]::new)));
        out.addAll(Family.snapshots(success));
        return out;
    }

    private double collect(AttachmentSource source, AttachmentScan scan, Family family) {
        try {
            source.add(scan, family);
            failing.remove(source.name());
            return 1;
        } catch (RuntimeException e) {
            if (failing.add(source.name())) {
                LOG.log(System.Logger.Level.WARNING, "attachments of kind {0}: {1}", source.name(), e.getMessage());
            }
            return 0;
        }
    }
}
