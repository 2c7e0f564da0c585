package io.ebpfexporter.core;

import io.ebpfexporter.core.walk.KeptResults;
import io.ebpfexporter.core.walk.ObjectKind;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a collector keeps from one scrape to the next: each family's last snapshot with its Labels and
 * values, so that an unchanged object's series reuse its Labels and an unchanged family its snapshot (see
 * {@link Family}), and each kind's last walk results, so that an unchanged object is not read again
 * (see {@link KeptResults}). The server keeps one per collector; only the last scrape's are held, so
 * objects that are gone are forgotten.
 */
public final class CollectorMemory {
    /**
     * A family's last snapshot, null when it had no series; {@code values[i]} is the value of the series
     * with {@code labels[i]}.
     */
    record Kept(Labels[] labels, double[] values, MetricSnapshot snapshot) {
        static final Kept NONE = new Kept(new Labels[0], new double[0], null);
    }

    private final Map<String, Kept> lastSnapshot = new ConcurrentHashMap<>();
    private final Map<ObjectKind<?>, KeptResults> lastWalk = new ConcurrentHashMap<>();

    KeptResults lastWalk(ObjectKind<?> kind) {
        return lastWalk.getOrDefault(kind, KeptResults.NONE);
    }

    void keepWalk(ObjectKind<?> kind, KeptResults results) {
        lastWalk.put(kind, results);
    }

    Kept last(String family) {
        return lastSnapshot.getOrDefault(family, Kept.NONE);
    }

    void keep(String family, Kept kept) {
        if (kept.labels().length == 0) {
            lastSnapshot.remove(family);
        } else {
            lastSnapshot.put(family, kept);
        }
    }
}
