package io.ebpfexporter.core;

import io.ebpfexporter.core.refs.HostScans;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.KeptResults;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.core.walk.OpenObject;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the server hands a collector for one scrape: the host to read, how many threads its walks may
 * read objects on, and the families it fills, which reuse the collector's Labels from its last scrape. One collect call
 * uses it, on one thread.
 */
public final class ScrapeContext {
    private final int readers;
    private final CollectorMemory memory;
    private final Host host;
    private final HostScans scans;
    /** This collect's number in its collector's memory. */
    private final long collect;
    /** The single-label Labels made last in this collect, shared by one object's single-label series. */
    private Labels lastSingle;
    /** What this collect declared so far, in order: family keys and reference scans' bases. */
    private final List<Object> declared = new ArrayList<>();
    private final Map<String, Family> families = new HashMap<>();
    /** The families the running walk's consumer added to; null while no consumer runs. */
    private List<Family> fed;

    public ScrapeContext(int readers, CollectorMemory memory, Host host) {
        this(readers, memory, host, new HostScans(host));
    }

    /** As the server makes one: {@code scans} shared by every collector of the scrape. */
    public ScrapeContext(int readers, CollectorMemory memory, Host host, HostScans scans) {
        this.readers = Math.max(1, readers);
        this.memory = memory;
        this.host = host;
        this.scans = scans;
        this.collect = memory.begin();
    }

    /** The host-wide scans of this scrape (owners, pins), shared with its other collectors. */
    public HostScans scans() {
        return scans;
    }

    /** Where the objects, files and clock of this scrape come from. */
    public Host host() {
        return host;
    }

    /** Threads a walk may read objects on. */
    public int readers() {
        return readers;
    }

    /**
     * Walks the scrape's objects of {@code kind} as {@link ObjectWalk#forEach(ObjectSource, ObjectKind,
     * Function, Consumer, int)} does, on the scrape's readers, for a {@code reader} whose result depends
     * on nothing but the object: an object unchanged since this collector's last walk is not read again
     * (see {@link KeptResults}).
     * <p>
     * The {@code consumer} may read each result, {@code inputs} (everything else it reads that can change
     * between scrapes, compared with {@code equals}: a clock reading, say; {@code List.of()} for none) and
     * what the scrape declared before the walk (its families and reference families), and may do nothing
     * but add series to them. Then, when every result is the last walk's, the series it added last time
     * are added again and the consumer is not called (see {@link FedSeries}).
     *
     * @return false when the walk repeated the last one's series without calling the consumer
     */
    public <T, R> boolean walk(ObjectKind<T> kind, Function<? super OpenObject<T>, R> reader, Object inputs,
                               Consumer<? super R> consumer) {
        List<Object> basis = new ArrayList<>(declared);
        basis.add(Objects.requireNonNull(inputs, "inputs"));
        CollectorMemory.Walked last = memory.lastWalk(kind); // one read: an overlapping collect may keep another
        boolean[] repeated = {false};
        fed = new ArrayList<>();
        KeptResults results;
        Map<String, int[]> ranges;
        try {
            results = ObjectWalk.forEach(host.objects(), kind, reader, consumer, readers, last.results(),
                    () -> repeated[0] = repeat(last.fed(), basis));
        } finally {
            ranges = takeFed(); // also when the walk failed: no range is left behind for a later one
        }
        memory.keepWalk(kind, results, new FedSeries(collect, basis, ranges));
        return !repeated[0];
    }

    /** Adds the series {@code last} records again, if every family still holds them and the basis is equal. */
    private boolean repeat(FedSeries last, List<Object> basis) {
        if (last == null || !last.basis().equals(basis)) {
            return false;
        }
        for (Map.Entry<String, int[]> range : last.ranges().entrySet()) {
            Family family = families.get(range.getKey());
            if (family == null || !family.holds(last.collect(), range.getValue())) {
                return false;
            }
        }
        last.ranges().forEach((key, range) -> families.get(key).repeat(range[0], range[1]));
        return true;
    }

    /** The range of series each family got from the walk's consumer, taken from the families; ends the feeding. */
    private Map<String, int[]> takeFed() {
        Map<String, int[]> ranges = new HashMap<>();
        for (Family family : fed) {
            ranges.put(family.key(), family.takeFed());
        }
        fed = null;
        return ranges;
    }

    /** Declares a family of this scrape under its key: a walk's consumer may add to it. */
    void declare(String key, Family family) {
        declared.add(key);
        families.put(key, family);
    }

    /** Declares something besides a family that later walks' consumers read (a reference scan's basis). */
    void declare(Object basis) {
        declared.add(basis);
    }

    /** True while a walk's consumer runs. */
    boolean feeding() {
        return fed != null;
    }

    /** A family a walk's consumer added its first series to. */
    void fed(Family family) {
        fed.add(family);
    }

    /** An info family: each series has value 1; the name must end with {@code _info}. */
    public Family info(String name, String help, String... labelNames) {
        return new Family(Family.Type.INFO, name, "_info", help, this, labelNames);
    }

    public Family gauge(String name, String help, String... labelNames) {
        return new Family(Family.Type.GAUGE, name, "", help, this, labelNames);
    }

    /** A counter family; the name must end with {@code _total}. */
    public Family counter(String name, String help, String... labelNames) {
        return new Family(Family.Type.COUNTER, name, "_total", help, this, labelNames);
    }

    /**
     * A family of no declared type, for names that break the conventions on purpose (the seed's
     * counters without {@code _total}, which the text writers would otherwise rename).
     */
    public Family untyped(String name, String help, String... labelNames) {
        return new Family(Family.Type.UNTYPED, name, "", help, this, labelNames);
    }

    long collect() {
        return collect;
    }

    CollectorMemory memory() {
        return memory;
    }

    Labels lastSingle() {
        return lastSingle;
    }

    void lastSingle(Labels labels) {
        lastSingle = labels;
    }
}
