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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where every program runs, whatever attached it: one family per kind of target (interfaces, cgroups),
 * filled by the {@link AttachmentSource}s found with ServiceLoader, each on its own so one the kernel
 * refuses leaves the others' series. The sources of a network namespace read the exporter's own, or with
 * {@code network_namespaces: all} every namespace of the host ({@link HostNetworkNamespaces}). Off by
 * default: it walks every cgroup and dumps every interface's filters each scrape, a cost that grows with
 * the host rather than with its BPF objects.
 */
public final class AttachmentsCollector implements Collector {
    static final Setting CGROUP_INHERITED = Setting.bool("cgroup_inherited", false,
            "also export, in every cgroup, the programs it runs as attached to an ancestor (inherited=\"true\"):"
                    + " one series per program and descendant cgroup");
    static final String OWN = "own";
    static final String ALL = "all";
    static final Setting NETWORK_NAMESPACES = Setting.choice("network_namespaces", List.of(OWN, ALL), OWN,
            "whose interface hooks to read: the exporter's own network namespace, or all of the host's (from"
                    + " /run/netns and /proc/*/ns/net, entered with setns: needs CAP_SYS_ADMIN, and CAP_SYS_PTRACE"
                    + " for namespaces only other processes hold)");
    static final Setting NETWORK_NAMESPACES_MAX = Setting.count("network_namespaces_max", 1000,
            "with network_namespaces all: the most namespaces read per scrape besides the exporter's own;"
                    + " the others are counted as skipped and logged");
    private static final System.Logger LOG = System.getLogger(AttachmentsCollector.class.getName());

    private final List<AttachmentSource> sources = new ArrayList<>();
    /** Problems (a source refused, namespaces not read) the last scrape had: each is logged when it starts. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private Naming naming = Naming.STANDARD;
    private boolean cgroupInherited;
    private boolean allNamespaces;
    private int maxNamespaces;

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
        return List.of(CGROUP_INHERITED, NETWORK_NAMESPACES, NETWORK_NAMESPACES_MAX);
    }

    @Override
    public void configure(Settings settings) {
        naming = settings.naming();
        cgroupInherited = settings.bool(CGROUP_INHERITED);
        allNamespaces = settings.value(NETWORK_NAMESPACES).orElse(OWN).equals(ALL);
        maxNamespaces = settings.value(NETWORK_NAMESPACES_MAX).map(Integer::parseInt).orElseThrow();
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
        // each source's first refusal in this scrape, in any namespace; one thread at a time writes it
        Map<String, String> refusals = new HashMap<>();
        HostNetworkNamespaces.Outcome others = null;
        try (AttachmentScan scan = new AttachmentScan(scrape, KernelNames.of(naming), cgroupInherited)) {
            for (AttachmentSource source : sources) {
                collect(source, scan, families.get(source.family()), refusals);
            }
            if (allNamespaces) {
                List<AttachmentSource> namespaced = sources.stream().filter(AttachmentSource::networkNamespaced).toList();
                others = HostNetworkNamespaces.read(scan, maxNamespaces, inNamespace -> namespaced.forEach(
                        source -> collect(source, inNamespace, families.get(source.family()), refusals)));
            }
        }
        Family success = scrape.gauge("ebpf_exporter_attachment_source_success",
                "1 if the kernel answered every query of this kind of hook in this scrape, 0 if it refused one"
                        + " (the exporter logs why when it starts refusing): its series are then incomplete", "source");
        for (AttachmentSource source : sources) {
            String refusal = refusals.get(source.name());
            success.add(refusal == null ? 1 : 0, source.name());
            warnWhile(refusal != null, "source " + source.name(), "attachments of kind " + source.name() + ": " + refusal);
        }
        List<MetricSnapshot> out = new ArrayList<>(Family.snapshots(families.values().toArray(Family[]::new)));
        out.addAll(Family.snapshots(success));
        out.addAll(Family.snapshots(namespaces(scrape, others)));
        return out;
    }

    private void collect(AttachmentSource source, AttachmentScan scan, Family family, Map<String, String> refusals) {
        try {
            source.add(scan, family);
        } catch (RuntimeException e) {
            refusals.putIfAbsent(source.name(), e.getMessage());
        }
    }

    /** How many network namespaces this scrape read, refused and skipped ({@code others} null: the own only). */
    private Family[] namespaces(ScrapeContext scrape, HostNetworkNamespaces.Outcome others) {
        Family namespaces = scrape.gauge("ebpf_exporter_attachment_network_namespaces",
                "network namespaces whose interface hooks this scrape read (the exporter's own included),"
                        + " could not enter (refused: privileges) or left out (skipped: the bound or the time budget)",
                "outcome");
        HostNetworkNamespaces.Outcome o = others != null ? others : HostNetworkNamespaces.Outcome.NONE;
        namespaces.add(1 + o.read(), "read");
        namespaces.add(o.refused(), "refused");
        namespaces.add(o.skipped(), "skipped");
        warnWhile(o.refused() > 0, "netns refused", "network namespaces: " + o.refused() + " not read, " + o.refusal());
        warnWhile(o.skippedWhy() != null, "netns skipped", "network namespaces: " + o.skipped() + " not read, "
                + o.skippedWhy());
        warnWhile(o.failure() != null, "netns failure", "network namespaces: reading them failed: " + o.failure());
        warnWhile(o.refusedProcesses() > 0, "netns processes", "network namespaces of " + o.refusedProcesses()
                + " processes cannot be listed (" + o.processRefusal() + ": another process's namespace needs"
                + " CAP_SYS_PTRACE); a namespace only they hold is not read");
        if (others == null) {
            return new Family[] {namespaces};
        }
        Family processes = scrape.gauge("ebpf_exporter_attachment_network_namespace_processes_refused",
                "processes whose /proc/PID/ns/net the exporter may not read (CAP_SYS_PTRACE): a network namespace"
                        + " only they hold is missing from the attachment series");
        processes.add(o.refusedProcesses());
        return new Family[] {namespaces, processes};
    }

    /** Logs {@code message} when {@code problem} starts, not in every scrape it lasts. */
    private void warnWhile(boolean problem, String key, String message) {
        if (!problem) {
            failing.remove(key);
        } else if (failing.add(key)) {
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }
}
