package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.LabelValue;
import io.ebpfexporter.core.walk.Host;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Interface index → name from {@code /sys/class/net/<name>/ifindex}, read once per scrape and only if
 * a link asks. sysfs lists every device of the exporter's network namespace, with or without an
 * address (java.net.NetworkInterface misses devices without one). A link's ifindex may belong to
 * another namespace, since the link info carries none; see the README. A name is bytes (any but '/',
 * ':' and white space), labelled as its {@link LabelValue}.
 */
final class InterfaceNames {
    /** More devices than a host has; a bound on what one read holds. */
    private static final int MAX_DEVICES = 1 << 16;
    private final Host host;
    private Map<Integer, String> names;

    InterfaceNames(Host host) {
        this.host = host;
    }

    String name(int index) {
        if (index <= 0) {
            return "";
        }
        if (names == null) {
            names = read(host);
        }
        return names.getOrDefault(index, "");
    }

    private static Map<Integer, String> read(Host host) {
        Map<Integer, String> out = new HashMap<>();
        for (Host.Entry device : host.entries("/sys/class/net", MAX_DEVICES, "ifindex", 16)) {
            try {
                out.put(Integer.parseInt(new String(device.contents(), StandardCharsets.US_ASCII).trim()),
                        LabelValue.of(device.name()));
            } catch (NumberFormatException e) {
                // not a device
            }
        }
        return out;
    }
}
