package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped systemd unit's capabilities, and the least-privilege drop-in's, exactly as those files name
 * them, held by a user other than root (as DynamicUser runs it), with the shipped config.yaml as it is: a
 * pin in a bpffs of systemd's mode 0700 is found, so no ebpf_*_pin_info series vanishes under them, and
 * the config's sampled statistics run where CAP_SYS_ADMIN is granted and are named unavailable where not.
 * Without CAP_DAC_READ_SEARCH the pin walk cannot read that bpffs: the start-up line, one warning and a
 * counter say so.
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
    void pinsUnderBpffsOfMode0700AreFoundAndTheShippedConfigRuns(String file) throws Exception {
        String unit = Files.readString(DEPLOY.resolve(file));
        List<String> capabilities = last(unit, "AmbientCapabilities");
        assertEquals(capabilities, last(unit, "CapabilityBoundingSet"), "the bounding set holds the ambient set");
        try (PinnedMap pinned = new PinnedMap();
             ExporterProcess exporter = pinned.exporterWith(capabilities)) {
            String metrics = exporter.scrape();
            String startup = exporter.output();
            assertTrue(metrics.contains(pinned.series()), file + " grants " + capabilities + ", yet the pin is missing:\n"
                    + startup + metrics);
            assertFalse(startup.contains("pins absent"), startup);
            assertTrue(metrics.contains("ebpf_exporter_scan_errors_total{scan=\"pins\"} 0.0"), metrics);
            boolean sysAdmin = capabilities.contains("CAP_SYS_ADMIN");
            assertEquals(!sysAdmin, startup.contains("sample unavailable: BPF_ENABLE_STATS needs CAP_SYS_ADMIN"),
                    "the start-up line names the missing capability, and only where it is missing: " + startup);
            assertTrue(metrics.contains("ebpf_exporter_program_stats_mode_info{mode=\"" + (sysAdmin ? "sample" : "unavailable")
                    + "\"} 1"), metrics);
            if (!sysAdmin) {
                String sysctl = Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled")).trim();
                assertTrue(metrics.contains("ebpf_exporter_program_stats_enabled " + (sysctl.equals("1") ? "1" : "0")),
                        metrics);
                assertFalse(metrics.contains("ebpf_exporter_program_stats_sample_ratio"), metrics);
            }
        }
    }

    /** CAP_SYS_ADMIN alone: the pin walk is refused the bpffs, and says so once however many scrapes. */
    @Test
    void aPinWalkRefusedTheBpffsCountsItAndLogsOnce() throws Exception {
        try (PinnedMap pinned = new PinnedMap();
             ExporterProcess exporter = pinned.exporterWith(List.of("CAP_SYS_ADMIN"))) {
            exporter.scrape();
            String metrics = exporter.scrape();
            String log = exporter.output();
            assertFalse(metrics.contains(pinned.series()), metrics);
            assertTrue(log.contains("pins absent: the pin walk cannot read "), log);
            assertTrue(metrics.contains("ebpf_exporter_scan_errors_total{scan=\"pins\"} 2.0"), metrics);
            assertEquals(1, log.lines().filter(l -> l.contains("WARN") && l.contains("the pins scan cannot read")).count(),
                    log);
            assertTrue(log.contains("it needs root or CAP_DAC_READ_SEARCH"), log);
        }
    }

    /** A hash map pinned in a fresh bpffs of mode 0700, unmounted at the end. */
    private static final class PinnedMap implements AutoCloseable {
        private final Path mount;
        private final Fixtures fx = new Fixtures();
        private final Fixtures.Made map;
        private final Path pin;

        PinnedMap() throws Exception {
            Kernel.requireBpf();
            Kernel.requireTool("setpriv");
            mount = Files.createTempDirectory("bpffs");
            HostSetup.run("mount", "-t", "bpf", "-o", "mode=700", "bpf", mount.toString());
            map = fx.map(Fixtures.MAP_HASH, 4, 8, 4, 0, "sc_pinned");
            pin = mount.resolve("sc_map");
            fx.pin(map, pin.toString());
        }

        String series() {
            return "ebpf_map_pin_info{map_id=\"" + map.id() + "\",path=\"" + pin + "\"} 1";
        }

        /** The exporter with the shipped config.yaml, as uid 65534 holding exactly {@code capabilities}. */
        ExporterProcess exporterWith(List<String> capabilities) throws Exception {
            String caps = capabilities.stream().map(c -> "+" + c.substring("CAP_".length()).toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(","));
            String setpriv = "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all," + caps
                    + " --ambient-caps=-all," + caps + " --bounding-set=-all," + caps;
            Map<String, String> flags = new LinkedHashMap<>();
            flags.put("--config.file", DEPLOY.resolve("config.yaml").toAbsolutePath().toString());
            flags.put(ExporterProcess.WRAP, setpriv);
            return ExporterProcess.start("", "", flags);
        }

        @Override
        public void close() throws Exception {
            try {
                Files.deleteIfExists(pin);
                fx.close();
            } finally {
                HostSetup.run("umount", mount.toString());
                Files.delete(mount);
            }
        }
    }
}
