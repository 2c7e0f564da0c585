package io.ebpfexporter.core;

import io.ebpfexporter.core.kernel.KernelNames;

/**
 * What a collector reads of one object while it is open, from which it makes the object's series after.
 * The label values are formatted at their first use and kept with the row: a row kept for an unchanged
 * object (see {@link ScrapeContext#walk}) gives the families the very strings of its last series, which
 * they compare by identity, while rows read anew are dropped one by one as their series are made.
 *
 * @param <T> the object's decoded info
 * @param <L> its label values
 */
public abstract class ObjectRow<T, L> {
    private final T info;
    private L labels;

    protected ObjectRow(T info) {
        this.info = info;
    }

    public final T info() {
        return info;
    }

    /** The label values, formatted once with {@code names}: a collector's names never change. */
    public final L labels(KernelNames names) {
        if (labels == null) { // concurrent scrapes may both format it: equal values, either kept
            labels = format(info, names);
        }
        return labels;
    }

    protected abstract L format(T info, KernelNames names);
}
