package io.ebpfexporter.core;

import io.prometheus.metrics.model.snapshots.Labels;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each family's Labels of its last snapshot, kept from one scrape of a collector to the next so that an
 * unchanged object's series reuse them (see {@link Family}). The server keeps one per collector; only the
 * last snapshot's are held, so objects that are gone are forgotten.
 */
public final class LabelMemory {
    private static final Labels[] NONE = new Labels[0];

    private final Map<String, Labels[]> lastSnapshot = new ConcurrentHashMap<>();

    Labels[] previous(String family) {
        return lastSnapshot.getOrDefault(family, NONE);
    }

    void keep(String family, Labels[] labels) {
        if (labels.length == 0) {
            lastSnapshot.remove(family);
        } else {
            lastSnapshot.put(family, labels);
        }
    }
}
