package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped systemd unit's capabilities, and the least-privilege drop-in's, exactly as those files name
 * them, held by a user other than root (as DynamicUser runs it): a pin in a bpffs of systemd's mode 0700
 * is found, so no ebpf_*_pin_info series vanishes under them.
 */
class ShippedCapabilitiesTest {
    private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).resolve("deploy");

    /** The last non-empty value of {@code key} in a unit file (an empty one resets the list). */
    static List<String> last(String unit, String key) {
        return unit.lines().filter(l -> l.startsWith(key + "=") && l.length() > key.length() + 1)
                .reduce((a, b) -> b).map(l -> List.of(l.substring(key.length() + 1).trim().split(" +")))
                .orElseThrow(() -> new AssertionError("no " + key + " in " + unit));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ebpf-exporter.service", "ebpf-exporter.service.d/least-privilege.conf"})
    void pinsUnderBpffsOfMode0700AreFound(String file) throws Exception {
        Kernel.requireBpf();
        Kernel.requireTool("setpriv");
        String unit = Files.readString(DEPLOY.resolve(file));
        List<String> capabilities = last(unit, "AmbientCapabilities");
        assertEquals(capabilities, last(unit, "CapabilityBoundingSet"), "the bounding set holds the ambient set");
        String setprivCaps = capabilities.stream().map(c -> "+" + c.substring("CAP_".length()).toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(","));
        String setpriv = "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all," + setprivCaps
                + " --ambient-caps=-all," + setprivCaps + " --bounding-set=-all," + setprivCaps;

        Path mount = Files.createTempDirectory("bpffs");
        HostSetup.run("mount", "-t", "bpf", "-o", "mode=700", "bpf", mount.toString());
        try (Fixtures fx = new Fixtures()) {
            Fixtures.Made map = fx.map(Fixtures.MAP_HASH, 4, 8, 4, 0, "sc_pinned");
            Path pin = mount.resolve("sc_map");
            fx.pin(map, pin.toString());
            try (ExporterProcess exporter = ExporterProcess.start("", "", Map.of(ExporterProcess.WRAP, setpriv))) {
                String metrics = exporter.scrape();
                assertTrue(metrics.contains("ebpf_map_pin_info{map_id=\"" + map.id() + "\",path=\"" + pin + "\"} 1"),
                        file + " grants " + Arrays.toString(capabilities.toArray()) + ", yet the pin is missing:\n"
                                + exporter.output() + metrics);
            }
            Files.delete(pin);
        } finally {
            HostSetup.run("umount", mount.toString());
            Files.delete(mount);
        }
    }
}
