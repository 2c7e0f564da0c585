package io.ebpfexporter.core.refs;

import io.ebpfexporter.core.walk.Host;

/**
 * The host-wide scans one scrape shares between its collectors: which processes hold which objects and
 * where objects are pinned. Each is made on first use, once per scrape, by whichever collector asks first.
 */
public final class HostScans {
    private final Host host;
    private ObjectOwners owners;
    private PinnedObjects pins;

    public HostScans(Host host) {
        this.host = host;
    }

    public synchronized ObjectOwners owners() {
        if (owners == null) {
            owners = ObjectOwners.scan(host);
        }
        return owners;
    }

    public synchronized PinnedObjects pins() {
        if (pins == null) {
            pins = PinnedObjects.scan(host);
        }
        return pins;
    }
}
