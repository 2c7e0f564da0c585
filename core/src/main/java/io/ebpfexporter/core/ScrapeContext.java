package io.ebpfexporter.core;

import io.ebpfexporter.core.refs.HostScans;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.KeptResults;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.core.walk.OpenObject;
import io.prometheus.metrics.model.snapshots.Labels;

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
     */
    public <T, R> void walk(ObjectKind<T> kind, Function<? super OpenObject<T>, R> reader, Consumer<? super R> consumer) {
        memory.keepWalk(kind, ObjectWalk.forEach(host.objects(), kind, reader, consumer, readers, memory.lastWalk(kind)));
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
