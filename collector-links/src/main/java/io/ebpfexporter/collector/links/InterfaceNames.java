package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.walk.Host;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Interface index → name from {@code /sys/class/net/<name>/ifindex}, read once per scrape and only if
 * a link asks. sysfs lists every device of the exporter's network namespace, with or without an
 * address (java.net.NetworkInterface misses devices without one). A link's ifindex may belong to
 * another namespace, since the link info carries none; see the README.
 */
final class InterfaceNames {
    private final Path sysClassNet;
    private Map<Integer, String> names;

    InterfaceNames(Host host) {
        this.sysClassNet = host.path("/sys/class/net");
    }

    String name(int index) {
        if (index <= 0) {
            return "";
        }
        if (names == null) {
            names = read(sysClassNet);
        }
        return names.getOrDefault(index, "");
    }

    private static Map<Integer, String> read(Path sysClassNet) {
        Map<Integer, String> out = new HashMap<>();
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(sysClassNet)) {
            for (Path device : devices) {
                try {
                    out.put(Integer.parseInt(Files.readString(device.resolve("ifindex")).trim()),
                            device.getFileName().toString());
                } catch (IOException | NumberFormatException e) {
                    // removed while listed, or not a device
                }
            }
        } catch (IOException e) {
            // no sysfs: names stay empty
        }
        return out;
    }
}
