package io.ebpfexporter.core;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One metric family filled during a scrape, made by {@link ScrapeContext#info} and its siblings. It is
 * declared with the name exactly as exposed ({@code ebpf_program_info}, {@code ..._total}), its help and
 * its label names, so a collector reads like the table of its metrics; each {@link #add} then gives one
 * series' values in that order.
 * <p>
 * Invariant: what a family keeps from its last scrape (in its collector's {@link CollectorMemory}, under
 * its name and label names) never changes what it exposes. A series reuses a kept Labels only when every
 * label value is equal, and the family gives its kept snapshot only when this scrape added the very same
 * Labels in the same order with bit-for-bit the same values; otherwise it builds a new one. A collector's
 * families therefore need distinct names or label names.
 */
public final class Family {
    enum Type { INFO, GAUGE, COUNTER, UNTYPED }

    /** How many of the last snapshot's series a series is compared with: objects removed since are skipped. */
    private static final int LOOK_AHEAD = 8;

    private final Type type;
    private final String name;
    private final String help;
    private final String[] labelNames;
    private final ScrapeContext scrape;
    /** Where this family's last snapshot is kept between scrapes: its name and label names. */
    private final String reuseKey;
    private final CollectorMemory.Kept last;
    /** The collect that kept {@link #last}. */
    private final long lastCollect;
    private final Labels[] previous;
    /** The position in previous where the next series' old Labels are expected. */
    private int cursor;
    /** Where each label name's value is in a Labels (sorted by name), for comparing values. */
    private int[] valueAt;
    /** Sized for as many series as the last snapshot: a host's families seldom change size. */
    private final List<Labels> labels;
    /** values[i] belongs to labels.get(i); unboxed, as a scrape of a large host adds 100,000 of them. */
    private double[] values;
    private Unit unit;
    /** The first and one past the last index of the series the running walk's consumer added; -1 for none. */
    private int fedFrom = -1;
    private int fedTo = -1;
    /** Set while this scrape's series are exactly the last snapshot's, taken by {@link #repeat} without a copy. */
    private boolean repeatedWhole;

    Family(Type type, String name, String suffix, String help, ScrapeContext scrape, String... labelNames) {
        if (!name.endsWith(suffix)) {
            throw new IllegalArgumentException(name + " must end with " + suffix);
        }
        this.type = type;
        this.name = name.substring(0, name.length() - suffix.length());
        this.help = help;
        this.labelNames = labelNames.clone();
        this.scrape = scrape;
        this.reuseKey = name + "{" + String.join(",", labelNames) + "}";
        CollectorMemory.Entry entry = scrape.memory().last(reuseKey);
        this.last = entry.kept();
        this.lastCollect = entry.collect();
        scrape.declare(reuseKey, this);
        this.previous = last.labels();
        this.labels = new ArrayList<>(previous.length);
        this.values = new double[Math.max(16, previous.length)];
    }

    /** Declares the unit, which the name must carry as its suffix (OpenMetrics writes it as # UNIT). */
    public Family unit(Unit unit) {
        this.unit = unit;
        return this;
    }

    /** Adds one series of an info family. */
    public void add(String... labelValues) {
        add(1, labelValues);
    }

    /** Adds one series with the label values in the order the label names were declared. */
    public void add(double value, String... labelValues) {
        append(labelsOf(labelValues), value);
    }

    private void append(Labels series, double value) {
        copyRepeated();
        store(series, value);
        if (scrape.feeding()) {
            fed(labels.size() - 1, labels.size());
        }
    }

    private void store(Labels series, double value) {
        if (labels.size() == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[labels.size()] = value;
        labels.add(series);
    }

    /** Notes series {@code from} up to {@code to} as added by the running walk's consumer. */
    private void fed(int from, int to) {
        if (fedFrom < 0) {
            fedFrom = from;
            scrape.fed(this);
        }
        fedTo = to;
    }

    /** Copies the last snapshot's series in, where {@link #repeat} took them whole without copying. */
    private void copyRepeated() {
        if (repeatedWhole) {
            repeatedWhole = false;
            for (int i = 0; i < last.labels().length; i++) {
                store(last.labels()[i], last.values()[i]);
            }
        }
    }

    /** The key this family is kept under in its collector's memory. */
    String key() {
        return reuseKey;
    }

    /** The range of series the walk's consumer added, which this family then forgets. */
    int[] takeFed() {
        int[] range = {fedFrom, fedTo};
        fedFrom = -1;
        fedTo = -1;
        return range;
    }

    /** True when the last snapshot, kept by {@code collect}, holds the series at {@code range}. */
    boolean holds(long collect, int[] range) {
        return lastCollect == collect && range[1] <= last.labels().length;
    }

    /**
     * Adds the last snapshot's series at {@code from} up to {@code to} again, as a walk's consumer did.
     * A family that is all of them (the usual case: a family only one walk feeds) takes them without a
     * copy, made only if another series follows.
     */
    void repeat(int from, int to) {
        if (labels.isEmpty() && !repeatedWhole && from == 0 && to == last.labels().length) {
            repeatedWhole = true;
        } else {
            copyRepeated();
            for (int i = from; i < to; i++) {
                store(last.labels()[i], last.values()[i]);
            }
        }
        fed(size() - (to - from), size());
        cursor = Math.max(cursor, to);
    }

    /** The series added so far, counting those {@link #repeat} took whole. */
    private int size() {
        return repeatedWhole ? last.labels().length : labels.size();
    }

    /**
     * Labels.of validates every label name on every call, client_java's largest cost per series, so a
     * scrape of a host with 10,000 maps makes as few Labels as it can (Labels are immutable, so sharing
     * is safe):
     * <ul>
     * <li>a series whose values are those of one in the family's last snapshot, as they are for an object
     * that did not change, reuses its Labels. Collectors add objects in id order every scrape, so the old
     * Labels are looked for where the last match left off, and a few further for objects removed since
     * (a hash of all values cost nearly as much as the Labels it saved). Only the last snapshot's are kept, in the collector's {@link CollectorMemory};
     * <li>one object's series in several single-label families ({@code map_id="7"} in max_entries,
     * memlock, frozen, entries), added one after another, share one Labels, so each is kept once.
     * </ul>
     */
    private Labels labelsOf(String[] labelValues) {
        if (labelValues.length != labelNames.length || labelNames.length == 0) {
            return Labels.of(labelNames, labelValues); // fails on a count mismatch
        }
        for (int i = cursor; i < Math.min(previous.length, cursor + LOOK_AHEAD); i++) {
            if (sameValues(previous[i], labelValues)) {
                cursor = i + 1;
                return previous[i];
            }
        }
        if (labelNames.length > 1) {
            return Labels.of(labelNames, labelValues);
        }
        Labels last = scrape.lastSingle();
        if (last != null && last.getName(0).equals(labelNames[0]) && last.getValue(0).equals(labelValues[0])) {
            return last;
        }
        Labels single = Labels.of(labelNames, labelValues);
        scrape.lastSingle(single);
        return single;
    }

    private boolean sameValues(Labels kept, String[] labelValues) {
        if (valueAt == null) {
            valueAt = new int[labelNames.length];
            for (int i = 0; i < kept.size(); i++) {
                valueAt[Arrays.asList(labelNames).indexOf(kept.getName(i))] = i;
            }
        }
        for (int j = 0; j < labelValues.length; j++) {
            if (!kept.getValue(valueAt[j]).equals(labelValues[j])) {
                return false;
            }
        }
        return true;
    }

    public boolean isEmpty() {
        return labels.isEmpty() && !repeatedWhole;
    }

    /**
     * This scrape's series, kept for the family's next scrape. A family whose series are those of its last
     * snapshot (the same Labels in the same order, the same values), as on a host whose objects did not
     * change, gives that very snapshot: the server writes an unchanged snapshot's text once.
     */
    public MetricSnapshot snapshot() {
        if (repeatedWhole || sameAsLast()) {
            scrape.memory().keep(reuseKey, last, scrape.collect()); // made this collect too: kept on
            return last.snapshot();
        }
        return keep(build());
    }

    private boolean sameAsLast() {
        if (last.snapshot() == null || last.labels().length != labels.size()) {
            return false;
        }
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i) != last.labels()[i]
                    || Double.doubleToLongBits(values[i]) != Double.doubleToLongBits(last.values()[i])) {
                return false;
            }
        }
        return true;
    }

    private MetricSnapshot build() {
        return switch (type) {
            case INFO -> {
                var b = InfoSnapshot.builder().name(name).help(help);
                labels.forEach(l -> b.dataPoint(InfoDataPointSnapshot.builder().labels(l).build()));
                yield b.build();
            }
            case GAUGE -> {
                var b = GaugeSnapshot.builder().name(name).help(help).unit(unit);
                for (int i = 0; i < labels.size(); i++) {
                    b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.get(i)).value(values[i]).build());
                }
                yield b.build();
            }
            case COUNTER -> {
                var b = CounterSnapshot.builder().name(name).help(help).unit(unit);
                for (int i = 0; i < labels.size(); i++) {
                    b.dataPoint(CounterDataPointSnapshot.builder().labels(labels.get(i)).value(values[i]).build());
                }
                yield b.build();
            }
            case UNTYPED -> {
                var b = UnknownSnapshot.builder().name(name).help(help).unit(unit);
                for (int i = 0; i < labels.size(); i++) {
                    b.dataPoint(UnknownDataPointSnapshot.builder().labels(labels.get(i)).value(values[i]).build());
                }
                yield b.build();
            }
        };
    }

    /** Keeps copies: other scrapes read them. A family without labels has one series: nothing to reuse. */
    private MetricSnapshot keep(MetricSnapshot snapshot) {
        scrape.memory().keep(reuseKey, labelNames.length == 0 ? CollectorMemory.Kept.NONE
                : new CollectorMemory.Kept(labels.toArray(new Labels[0]), Arrays.copyOf(values, labels.size()), snapshot),
                scrape.collect());
        return snapshot;
    }

    /** The snapshots of the families that have at least one series, for {@link Collector#collect}. */
    public static List<MetricSnapshot> snapshots(Family... families) {
        List<MetricSnapshot> out = new ArrayList<>(families.length);
        for (Family f : families) {
            MetricSnapshot snapshot = f.isEmpty() ? f.keep(null) : f.snapshot();
            if (snapshot != null) {
                out.add(snapshot);
            }
        }
        return out;
    }
}
