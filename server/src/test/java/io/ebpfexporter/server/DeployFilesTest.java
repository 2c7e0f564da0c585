package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The files under server/deploy: each checked by the tool that reads it, and each config run for real. */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).resolve("deploy");
    /** Stands in for the image's launcher, which `mvn package` builds after the tests have run. */
    private static final Path LAUNCHER = Path.of(System.getProperty("basedir", ".")).resolve("run.sh").toAbsolutePath();

    private static String run(String... command) throws Exception {
        return runWith(Map.of(), command);
    }

    private static String runWith(Map<String, String> environment, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    /** Starts the exporter on a loopback port with {@code config}, scrapes once, and returns the scrape. */
    private static String scrapeWith(Path config) throws Exception {
        try (ExporterProcess exporter = ExporterProcess.start("", "",
                Map.of("--config.file", config.toString(), "--listen-addr", "127.0.0.1:0"))) {
            return exporter.scrape();
        }
    }

    @Test
    void systemdUnitVerifiesAloneAndWithTheLeastPrivilegeDropIn() throws Exception {
        String analyze = Kernel.requireTool("systemd-analyze");
        Path dir = Files.createTempDirectory("unit");
        Path unit = dir.resolve("ebpf-exporter.service");
        Files.writeString(unit, Files.readString(DEPLOY.resolve("ebpf-exporter.service"))
                .replace("/opt/ebpf-exporter/bin/ebpf-exporter", LAUNCHER.toString()));
        assertEquals("", run(analyze, "verify", unit.toString()).strip());
        Path dropIns = Files.createDirectories(dir.resolve("ebpf-exporter.service.d"));
        String dropIn = Files.readString(DEPLOY.resolve("ebpf-exporter.service.d/least-privilege.conf"));
        Files.writeString(dropIns.resolve("least-privilege.conf"), dropIn);
        // by name, on SYSTEMD_UNIT_PATH: the way systemd-analyze reads a unit's drop-ins
        assertEquals("", runWith(Map.of("SYSTEMD_UNIT_PATH", dir + ":"), analyze, "verify", "ebpf-exporter.service").strip());
        assertTrue(dropIn.contains("\nAmbientCapabilities=CAP_BPF CAP_PERFMON CAP_DAC_READ_SEARCH\n"), dropIn);
    }

    @Test
    void prometheusConfigPassesPromtool() throws Exception {
        String promtool = Kernel.requireTool("promtool");
        assertTrue(run(promtool, "check", "config", DEPLOY.resolve("prometheus.yml").toString()).contains("SUCCESS"));
    }

    @Test
    void rulesPassPromtoolAndTheirUnitTests() throws Exception {
        String promtool = Kernel.requireTool("promtool");
        Path rules = DEPLOY.resolve("prometheus");
        assertTrue(run(promtool, "check", "rules", rules.resolve("ebpf-exporter-rules.yml").toString(),
                rules.resolve("ebpf-exporter-alerts.yml").toString()).contains("SUCCESS: 9 rules found"));
        assertTrue(run(promtool, "test", "rules", rules.resolve("tests/ebpf-exporter-rules.test.yml").toString())
                .contains("SUCCESS"));
    }

    @Test
    void exampleConfigRuns() throws Exception {
        Kernel.requireBpf();
        String metrics = scrapeWith(DEPLOY.resolve("config.yaml"));
        assertTrue(metrics.contains("ebpf_exporter_program_stats_sample_ratio 0.16666"), metrics);
    }

    @Test
    void kubernetesManifestsDeclareWhatTheExporterNeedsAndTheirConfigRuns() throws Exception {
        Kernel.requireBpf();
        List<Map<String, Object>> docs = new ArrayList<>();
        for (String file : List.of("daemonset.yaml", "service.yaml", "servicemonitor.yaml")) {
            new Yaml().loadAll(Files.readString(DEPLOY.resolve("kubernetes").resolve(file)))
                    .forEach(doc -> docs.add(cast(doc)));
        }
        Map<String, Object> daemonSet = byKind(docs, "DaemonSet");
        Map<String, Object> pod = cast(cast(cast(daemonSet.get("spec")).get("template")).get("spec"));
        assertEquals(true, pod.get("hostNetwork"), "interface names of XDP/tcx links come from the host's netns");
        Map<String, Object> container = cast(((List<?>) pod.get("containers")).get(0));
        Map<String, Object> security = cast(container.get("securityContext"));
        assertEquals(List.of("SYS_ADMIN"), cast(security.get("capabilities")).get("add"));
        assertEquals("RuntimeDefault", cast(security.get("seccompProfile")).get("type"),
                "the runtimes' default profiles allow bpf(2) with CAP_SYS_ADMIN (ContainerImageTest)");
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertEquals(Map.of("port", "metrics"), cast(container.get(probe)).get("tcpSocket"),
                    probe + ": TCP, so TLS and basic auth do not fail it");
        }
        assertTrue(cast(cast(cast(daemonSet.get("spec")).get("template")).get("metadata")).containsKey("annotations"),
                "the pods carry the scrape annotations");
        assertEquals("--config.file=/etc/ebpf-exporter/config.yaml", ((List<?>) container.get("args")).get(0));
        assertEquals(null, cast(byKind(docs, "Service").get("metadata")).get("annotations"),
                "scrape annotations on the pods only, else annotation-based jobs scrape each node twice");
        byKind(docs, "ServiceMonitor");
        Map<String, Object> patch = new Yaml().load(Files.readString(DEPLOY.resolve("kubernetes/least-privilege.patch.yaml")));
        Map<String, Object> patched = cast(((List<?>) cast(cast(cast(patch.get("spec")).get("template")).get("spec"))
                .get("containers")).get(0));
        assertEquals(container.get("name"), patched.get("name"), "the patch names the DaemonSet's container");
        Map<String, Object> reduced = cast(patched.get("securityContext"));
        assertEquals(List.of("BPF", "PERFMON"), cast(reduced.get("capabilities")).get("add"));
        assertEquals(List.of("ALL"), cast(reduced.get("capabilities")).get("drop"));
        for (Object doc : new Yaml().loadAll(Files.readString(DEPLOY.resolve("kubernetes/service.yaml")))) {
            assertEquals("Service", cast(doc).get("kind"), "service.yaml applies without the Prometheus Operator");
        }

        Path config = daemonSetConfig();
        String metrics = scrapeWith(config);
        assertTrue(metrics.contains("ebpf_exporter_program_stats_sample_ratio"), metrics);
        Files.delete(config);
    }

    /** The DaemonSet's ConfigMap config.yaml as shipped, in a world-readable temporary file for the caller to delete. */
    static Path daemonSetConfig() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml().loadAll(Files.readString(DEPLOY.resolve("kubernetes/daemonset.yaml"))).forEach(doc -> docs.add(cast(doc)));
        Path config = Files.createTempFile("configmap", ".yaml",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        Files.writeString(config, (String) cast(byKind(docs, "ConfigMap").get("data")).get("config.yaml"));
        return config;
    }

    private static Map<String, Object> byKind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in deploy/kubernetes"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }
}
