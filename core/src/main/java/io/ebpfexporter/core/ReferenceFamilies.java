package io.ebpfexporter.core;

import io.ebpfexporter.core.config.Setting;
import io.ebpfexporter.core.refs.HostScans;
import io.ebpfexporter.core.refs.ObjectOwners;
import io.ebpfexporter.core.refs.PinnedObjects;
import io.ebpfexporter.core.walk.ObjectKind;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.List;

/**
 * The owner and pin series of one kind of object, {@code ebpf_<noun>_owner_info{<id>,pid,comm}} (when the
 * collector's {@code owners} setting is on) and {@code ebpf_<noun>_pin_info{<id>,path}}, from the scrape's
 * shared {@link HostScans}.
 */
public final class ReferenceFamilies {
    /**
     * {@code collectors.<name>.owners}, declared once for every collector that lists it: the owner scan reads
     * every process's fd table, which costs more than the rest of a scrape on a busy host (see the README).
     */
    public static final Setting OWNERS = Setting.bool("owners", false,
            "export ebpf_<kind>_owner_info: the processes holding each object (reads every /proc/<pid>/fd)");

    private final ObjectKind<?> kind;
    private final Family owners;
    private final Family pins;
    private final ObjectOwners ownerScan;
    private final PinnedObjects pinScan;
    private final Family truncated;

    public ReferenceFamilies(ScrapeContext scrape, ObjectKind<?> kind, boolean withOwners) {
        this.kind = kind;
        String noun = kind.toString();
        String idLabel = kind.idLabel();
        this.owners = scrape.info("ebpf_" + noun + "_owner_info",
                "A process holding an fd of the " + noun + ": host pid and its command name", idLabel, "pid", "comm");
        this.pins = scrape.info("ebpf_" + noun + "_pin_info", "A path in a bpffs mount the " + noun + " is pinned at",
                idLabel, "path");
        this.ownerScan = withOwners ? scrape.scans().owners() : ObjectOwners.none();
        this.pinScan = scrape.scans().pins();
        this.truncated = scrape.gauge("ebpf_exporter_" + noun + "_references_truncated", "1 when this scrape's owner"
                + " scan ran out of its " + ObjectOwners.BUDGET.toSeconds() + " s or its pin walk out of its "
                + PinnedObjects.MAX_ENTRIES + " entries, so some owner or pin series of " + noun + "s are missing");
        if (ownerScan.truncated() || pinScan.truncated()) {
            truncated.add(1);
        }
        scrape.declare(new Basis(kind, ownerScan, pinScan));
    }

    /**
     * What {@link #add} reads besides its arguments, for a walk that repeats its consumer's series: equal
     * in two scrapes whose scans found the same owners and pins.
     */
    private record Basis(ObjectKind<?> kind, ObjectOwners owners, PinnedObjects pins) {
    }

    /** The series of object {@code id}, whose id label value is {@code idLabel}. */
    public void add(int id, String idValue) {
        if (!ownerScan.isEmpty()) {
            for (ObjectOwners.Owner owner : ownerScan.of(kind, id)) {
                owners.add(idValue, Integer.toString(owner.pid()), owner.comm());
            }
        }
        if (!pinScan.isEmpty()) {
            for (String path : pinScan.of(kind, id)) {
                pins.add(idValue, path);
            }
        }
    }

    public List<MetricSnapshot> snapshots() {
        return Family.snapshots(owners, pins, truncated);
    }
}
