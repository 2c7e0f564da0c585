package io.ebpfexporter.core;

import io.ebpfexporter.core.walk.KeptResults;
import io.ebpfexporter.core.walk.ObjectKind;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a collector keeps from one scrape to the next: each family's last snapshot with its Labels and
 * values, so that an unchanged object's series reuse its Labels and an unchanged family its snapshot (see
 * {@link Family}), and each kind's last walk results, so that an unchanged object is not read again
 * (see {@link KeptResults}), with what the walk's consumer added to which families, so that an
 * unchanged walk repeats those series without the consumer (see {@link FedSeries}). The server keeps
 * one per collector; only the last scrapes' are held, so objects that are gone are forgotten: a family
 * the last collect did not make (such as a family made only while an object of some type exists) is
 * dropped when the next collect begins.
 */
public final class CollectorMemory {
    /**
     * A family's last snapshot, null when it had no series; {@code values[i]} is the value of the series
     * with {@code labels[i]}.
     */
    record Kept(Labels[] labels, double[] values, MetricSnapshot snapshot) {
        static final Kept NONE = new Kept(new Labels[0], new double[0], null);
    }

    /** A family's last snapshot and the collect that kept it. */
    record Entry(Kept kept, long collect) {
        static final Entry NONE = new Entry(Kept.NONE, -1);
    }

    /** A kind's last walk: its results and what its consumer added to which families, kept and read as one. */
    record Walked(KeptResults results, FedSeries fed) {
        static final Walked NONE = new Walked(KeptResults.NONE, null);
    }

    private final AtomicLong collects = new AtomicLong();
    private final Map<String, Entry> lastSnapshot = new ConcurrentHashMap<>();
    private final Map<ObjectKind<?>, Walked> lastWalk = new ConcurrentHashMap<>();

    /** {@code kind}'s last walk, its results and its consumer's series from one and the same collect. */
    Walked lastWalk(ObjectKind<?> kind) {
        return lastWalk.getOrDefault(kind, Walked.NONE);
    }

    void keepWalk(ObjectKind<?> kind, KeptResults results, FedSeries fed) {
        lastWalk.put(kind, new Walked(results, fed));
    }

    /**
     * Begins a collect and returns its number. Collects of one collector may overlap (two at most run at
     * once), so what the one before this kept stays.
     */
    long begin() {
        long collect = collects.incrementAndGet();
        lastSnapshot.values().removeIf(entry -> entry.collect() < collect - 1);
        return collect;
    }

    Entry last(String family) {
        return lastSnapshot.getOrDefault(family, Entry.NONE);
    }

    void keep(String family, Kept kept, long collect) {
        if (kept.labels().length == 0) {
            lastSnapshot.remove(family);
        } else {
            lastSnapshot.put(family, new Entry(kept, collect));
        }
    }
}
