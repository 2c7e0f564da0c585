package io.ebpfexporter.server.scrape;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.CollectorMemory;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.iter.IteratedObjects;
import io.ebpfexporter.core.refs.HostScans;
import io.ebpfexporter.core.refs.ScanErrors;
import io.ebpfexporter.core.walk.Host;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * One scrape: every enabled collector runs at once, each on a platform thread of a shared pool, and is
 * timed. Platform, as collectors wait in the kernel through JNA, which holds a virtual thread's carrier:
 * two walks would leave no carrier for the server's other virtual threads. Pooled: a thread started per
 * collector per scrape would delay every collector's start.
 * A collector that throws costs only its own families and reports {@code success 0}. Threads follow
 * one {@link ScrapeThreads} policy; each collector keeps its {@link CollectorMemory} from scrape to scrape.
 * Concurrent scrapes share collections ({@link SharedCollection}).
 */
public final class Scrape {
    private static final System.Logger LOG = System.getLogger(Scrape.class.getName());
    /** Threads of collector runs and of the exporter's own families, reused for 60 s after a run. */
    private static final ExecutorService RUNNERS = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("collector-", 1).daemon().factory());

    private final Host host;
    private final ScrapeThreads threads;
    private final Semaphore walks;
    private final Map<Collector, CollectorMemory> memories = new IdentityHashMap<>();
    /** Each collector's last run, by name: what orders the next. */
    private final Map<String, Long> lastNanos = new ConcurrentHashMap<>();
    private final List<Collector> collectors;
    private final Set<String> collectorNames;
    private final InfoSnapshot buildInfo;
    private final GaugeSnapshot reducedPrivileges;
    private final ExporterHealth health;
    private final ScanErrors scanErrors = new ScanErrors();
    /**
     * Results held at once (being collected or written): two, so one slow reader does not hold up every
     * other scrape, and memory stays the label memory plus two snapshots whatever the number of scrapers.
     */
    private final SharedCollection<Set<String>, MetricSnapshots> shared = new SharedCollection<>(this::collectNow, 2);

    public Scrape(List<Collector> collectors, BuildInfo build, Host host, ScrapeThreads threads, ExporterHealth health) {
        this.host = host;
        this.health = health;
        this.threads = threads;
        this.walks = new Semaphore(threads.concurrentWalks(), true);
        this.collectors = List.copyOf(collectors);
        this.collectors.forEach(c -> memories.put(c, new CollectorMemory()));
        this.collectorNames = Collections.unmodifiableSet(new TreeSet<>(this.collectors.stream().map(Collector::name).toList()));
        this.reducedPrivileges = GaugeSnapshot.builder()
                .name("ebpf_exporter_reduced_privileges")
                .help("1 if objects are read through BPF iterators (no CAP_SYS_ADMIN: fewer series), 0 if through bpf() listing")
                .dataPoint(GaugeDataPointSnapshot.builder().value(host.objects() instanceof IteratedObjects ? 1 : 0).build())
                .build();
        this.buildInfo = InfoSnapshot.builder()
                .name("ebpf_exporter_build")
                .help("A metric with a constant '1' value labeled by version, revision and Java version")
                .dataPoint(InfoDataPointSnapshot.builder()
                        .labels(Labels.of("version", build.version(), "revision", build.revision(),
                                "java_version", build.javaVersion()))
                        .build())
                .build();
    }

    private record Outcome(String collector, List<MetricSnapshot> families, double seconds, boolean success) {
    }

    /** The names of the enabled collectors, for the collect[] and exclude[] query parameters. */
    public Set<String> collectorNames() {
        return collectorNames;
    }

    /** A scrape of every collector, for a caller that holds the result itself (tests, the golden file). */
    public MetricSnapshots collect() throws InterruptedException, SharedCollection.Busy {
        try (var lease = collect(collectorNames, Duration.ofSeconds(30))) {
            return lease.value();
        }
    }

    /**
     * A scrape of the collectors {@code names} names, shared with the concurrent scrapes of the same ones;
     * {@link SharedCollection.Busy} when it cannot start within {@code wait}. Close the lease once written.
     */
    public SharedCollection<Set<String>, MetricSnapshots>.Lease collect(Set<String> names, Duration wait)
            throws InterruptedException, SharedCollection.Busy {
        return shared.get(Set.copyOf(names), wait);
    }

    /**
     * Runs the collectors longest first (by their last run), each once it holds a walk permit, so that
     * the one a scrape waits for most starts first rather than behind small ones, and the exporter's own
     * families beside them; the answer lists them in their usual order.
     */
    private MetricSnapshots collectNow(Set<String> names) {
        List<Collector> chosen = collectors.stream().filter(c -> names.contains(c.name())).toList();
        Map<Collector, Future<Outcome>> running = new IdentityHashMap<>();
        HostScans scans = new HostScans(host, scanErrors);
        Future<List<MetricSnapshot>> own = RUNNERS.submit(health::collect);
        for (Collector c : chosen.stream().sorted(Comparator.comparingLong(this::lastNanos).reversed()).toList()) {
            walks.acquireUninterruptibly(); // released as the collectors end: a bounded wait
            running.put(c, RUNNERS.submit(() -> run(c, scans)));
        }
        return snapshots(joined(own), chosen.stream().map(c -> joined(running.get(c))).toList());
    }

    /** The task's result once it ends, however long that is: an interrupt is kept for the caller. */
    private static <T> T joined(Future<T> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) { // run() catches what a collector throws: this is an Error
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private long lastNanos(Collector collector) {
        return lastNanos.getOrDefault(collector.name(), 0L);
    }

    /** Runs {@code collector}, which holds a walk permit, and releases the permit. */
    private Outcome run(Collector collector, HostScans scans) {
        long start = System.nanoTime();
        List<MetricSnapshot> families = List.of();
        boolean success = true;
        try {
            families = collector.collect(new ScrapeContext(threads.readersPerWalk(), memories.get(collector), host, scans));
        } catch (RuntimeException | LinkageError e) {
            success = false;
            LOG.log(System.Logger.Level.WARNING, "collector {0} failed: {1}", collector.name(), e.toString());
        } finally {
            walks.release();
        }
        long took = System.nanoTime() - start;
        lastNanos.put(collector.name(), took);
        return new Outcome(collector.name(), families, took / 1e9, success);
    }

    private MetricSnapshots snapshots(List<MetricSnapshot> own, List<Outcome> outcomes) {
        var duration = GaugeSnapshot.builder()
                .name("ebpf_exporter_collector_duration_seconds")
                .unit(Unit.SECONDS)
                .help("How long the collector took in this scrape");
        var success = GaugeSnapshot.builder()
                .name("ebpf_exporter_collector_success")
                .help("1 if the collector succeeded in this scrape, 0 if it failed");
        MetricSnapshots.Builder all = MetricSnapshots.builder().metricSnapshot(buildInfo).metricSnapshot(reducedPrivileges);
        own.forEach(all::metricSnapshot);
        for (Outcome o : outcomes) {
            Labels labels = Labels.of("collector", o.collector());
            duration.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(o.seconds()).build());
            success.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(o.success() ? 1 : 0).build());
            o.families().forEach(all::metricSnapshot);
        }
        if (!outcomes.isEmpty()) {
            all.metricSnapshot(duration.build()).metricSnapshot(success.build());
        }
        scanErrors().ifPresent(all::metricSnapshot);
        return all.build();
    }

    /** Per host scan that has run on the live host, its runs that could not read everything. */
    private Optional<CounterSnapshot> scanErrors() {
        Map<String, Long> counts = scanErrors.counts();
        if (counts.isEmpty()) {
            return Optional.empty();
        }
        var family = CounterSnapshot.builder().name("ebpf_exporter_scan_errors")
                .help("Scans of the host (pins: the bpffs walk; owners: the processes' fds) that could not read"
                        + " everything, for want of a permission: the series they would give are missing");
        counts.forEach((scan, n) -> family.dataPoint(CounterDataPointSnapshot.builder()
                .labels(Labels.of("scan", scan)).value(n).build()));
        return Optional.of(family.build());
    }
}
