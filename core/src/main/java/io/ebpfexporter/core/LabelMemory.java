package io.ebpfexporter.core;

import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each family's last snapshot with its Labels and values, kept from one scrape of a collector to the next
 * so that an unchanged object's series reuse its Labels and an unchanged family its snapshot (see
 * {@link Family}). The server keeps one per collector; only the last snapshot is held, so objects that are
 * gone are forgotten.
 */
public final class LabelMemory {
    /** A family's last snapshot; {@code values[i]} is the value of the series with {@code labels[i]}. */
    record Kept(Labels[] labels, double[] values, MetricSnapshot snapshot) {
        static final Kept NONE = new Kept(new Labels[0], new double[0], null);
    }

    private final Map<String, Kept> lastSnapshot = new ConcurrentHashMap<>();

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
