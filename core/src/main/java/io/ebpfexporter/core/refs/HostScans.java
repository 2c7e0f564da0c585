package io.ebpfexporter.core.refs;

import io.ebpfexporter.core.walk.Host;

/**
 * The host-wide scans one scrape shares between its collectors: which processes hold which objects and
 * where objects are pinned. Each is made on first use, once per scrape, by whichever collector asks first,
 * and what it could not read is counted in the {@link ScanErrors} kept across scrapes.
 */
public final class HostScans {
    private final Host host;
    private final ScanErrors errors;
    private ObjectOwners owners;
    private PinnedObjects pins;

    public HostScans(Host host) {
        this(host, new ScanErrors());
    }

    public HostScans(Host host, ScanErrors errors) {
        this.host = host;
        this.errors = errors;
    }

    public synchronized ObjectOwners owners() {
        if (owners == null) {
            owners = ObjectOwners.scan(host);
            if (host.isLive()) {
                errors.record("owners", owners.problem());
            }
        }
        return owners;
    }

    public synchronized PinnedObjects pins() {
        if (pins == null) {
            pins = PinnedObjects.scan(host);
            if (host.isLive()) {
                errors.record("pins", pins.problem());
            }
        }
        return pins;
    }
}
