package io.ebpfexporter.server;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Helm chart under deploy/helm, through helm's own library (helm-java): it lints clean, and every
 * combination of its switches renders the plain manifests of deploy/kubernetes (the least-privilege patch
 * applied for privilege=least): the same container arguments, capabilities, seccomp profile, mounts,
 * probes and config, with hostPID and CAP_SYS_PTRACE exactly when owners are on, the bpffs mount exactly
 * when pins are, and a PrometheusRule whose groups are those of the shipped rule files.
 */
class HelmChartTest {
    private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).resolve("deploy");
    private static final Path CHART = DEPLOY.resolve("helm/ebpf-exporter");
    private static final String NAME = "ebpf-exporter";
    private static final String NAMESPACE = "monitoring";

    private static Map<String, Object> plainDaemonSet;
    private static Map<String, Object> plainConfig;
    private static Map<String, Object> plainService;
    private static Map<String, Object> plainServiceMonitor;
    private static Map<String, Object> leastPrivilegePatch;

    @BeforeAll
    static void readPlainManifests() throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (String file : List.of("daemonset.yaml", "service.yaml", "servicemonitor.yaml")) {
            docs.addAll(loadAll(Files.readString(DEPLOY.resolve("kubernetes").resolve(file))));
        }
        plainDaemonSet = byKind(docs, "DaemonSet");
        plainConfig = new Yaml().load((String) map(byKind(docs, "ConfigMap").get("data")).get("config.yaml"));
        plainService = byKind(docs, "Service");
        plainServiceMonitor = byKind(docs, "ServiceMonitor");
        leastPrivilegePatch = container(new Yaml().load(Files.readString(DEPLOY.resolve("kubernetes/least-privilege.patch.yaml"))));
    }

    @Test
    void lintsCleanInStrictMode() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
    }

    @Test
    void everyCombinationRendersThePlainManifests() throws Exception {
        for (String privilege : List.of("full", "least")) {
            for (boolean pins : List.of(true, false)) {
                for (boolean owners : List.of(false, true)) {
                    for (boolean operator : List.of(false, true)) {
                        String values = "privilege=" + privilege + " pins=" + pins + " owners=" + owners + " operator=" + operator;
                        List<Map<String, Object>> rendered = loadAll(template()
                                .set("privilege", privilege).set("pins.enabled", pins).set("owners.enabled", owners)
                                .set("serviceMonitor.enabled", operator).set("prometheusRule.enabled", operator).call());
                        checkDaemonSet(byKind(rendered, "DaemonSet"), privilege, pins, owners, values);
                        checkConfig(byKind(rendered, "ConfigMap"), owners, values);
                        checkService(byKind(rendered, "Service"), byKind(rendered, "DaemonSet"), values);
                        assertEquals(operator, rendered.stream().anyMatch(d -> "ServiceMonitor".equals(d.get("kind"))), values);
                        assertEquals(operator, rendered.stream().anyMatch(d -> "PrometheusRule".equals(d.get("kind"))), values);
                        if (operator) {
                            assertEquals(endpoints(plainServiceMonitor), endpoints(byKind(rendered, "ServiceMonitor")), values);
                            checkPrometheusRule(byKind(rendered, "PrometheusRule"));
                        }
                        for (Map<String, Object> doc : rendered) {
                            assertEquals(NAMESPACE, map(doc.get("metadata")).get("namespace"), values + ": " + doc.get("kind"));
                        }
                    }
                }
            }
        }
    }

    @Test
    void anotherPortReachesTheExporterItsProbesAndTheAnnotations() throws Exception {
        List<Map<String, Object>> rendered = loadAll(template().set("port", 12345).call());
        Map<String, Object> config = new Yaml().load((String) map(byKind(rendered, "ConfigMap").get("data")).get("config.yaml"));
        assertEquals(12345, map(config.get("server")).get("port"), "the exporter listens on the chart's port");
        Map<String, Object> c = container(byKind(rendered, "DaemonSet"));
        assertEquals(12345, map(((List<?>) c.get("ports")).get(0)).get("containerPort"), "the port the probes name");
        assertEquals("metrics", map(((List<?>) c.get("ports")).get(0)).get("name"));
        assertEquals("metrics", map(map(c.get("readinessProbe")).get("tcpSocket")).get("port"), "readiness probe");
        Map<String, Object> annotations = map(map(map(map(byKind(rendered, "DaemonSet").get("spec")).get("template"))
                .get("metadata")).get("annotations"));
        assertEquals("12345", annotations.get("prometheus.io/port"), "scrape annotation");
    }

    @Test
    void anUnknownPrivilegeFailsNamingTheChoices() {
        Exception e = assertThrows(Exception.class, () -> template().set("privilege", "root").call());
        assertTrue(e.getMessage().contains("privilege must be full or least, not \"root\""), e.getMessage());
    }

    private static TemplateCommand template() {
        return new Helm(CHART).template().withName(NAME).withNamespace(NAMESPACE);
    }

    private static void checkDaemonSet(Map<String, Object> daemonSet, String privilege, boolean pins, boolean owners, String values) {
        Map<String, Object> pod = podSpec(daemonSet);
        Map<String, Object> plainPod = podSpec(plainDaemonSet);
        for (String key : List.of("hostNetwork", "dnsPolicy", "tolerations")) {
            assertEquals(plainPod.get(key), pod.get(key), values + ": " + key);
        }
        assertEquals(owners, Boolean.TRUE.equals(pod.get("hostPID")), values + ": hostPID exactly with owners");
        Map<String, Object> c = container(daemonSet);
        Map<String, Object> plain = container(plainDaemonSet);
        for (String key : List.of("name", "args", "ports", "resources", "readinessProbe", "livenessProbe")) {
            assertEquals(plain.get(key), c.get(key), values + ": container " + key);
        }
        Map<String, Object> security = "least".equals(privilege)
                ? merge(map(plain.get("securityContext")), map(leastPrivilegePatch.get("securityContext")))
                : map(plain.get("securityContext"));
        if (owners) {
            Map<String, Object> capabilities = new LinkedHashMap<>(map(security.get("capabilities")));
            List<Object> add = new ArrayList<>((List<?>) capabilities.get("add"));
            add.add("SYS_PTRACE");
            capabilities.put("add", add);
            security = new LinkedHashMap<>(security);
            security.put("capabilities", capabilities);
        }
        assertEquals(security, c.get("securityContext"), values + ": securityContext");
        assertEquals(withoutBpffs((List<?>) plain.get("volumeMounts"), pins), c.get("volumeMounts"), values + ": volumeMounts");
        assertEquals(withoutBpffs((List<?>) plainPod.get("volumes"), pins), pod.get("volumes"), values + ": volumes");
        Map<String, Object> annotations = map(map(map(map(daemonSet.get("spec")).get("template")).get("metadata")).get("annotations"));
        assertTrue(annotations.entrySet().containsAll(
                map(map(map(map(plainDaemonSet.get("spec")).get("template")).get("metadata")).get("annotations")).entrySet()),
                values + ": the pods carry the scrape annotations: " + annotations);
    }

    /** The plain manifest's volumes or mounts, without the bpffs one unless pins are on. */
    private static List<?> withoutBpffs(List<?> volumes, boolean pins) {
        assertTrue(volumes.stream().anyMatch(v -> "bpffs".equals(map(v).get("name"))), "the plain DaemonSet mounts bpffs");
        return pins ? volumes : volumes.stream().filter(v -> !"bpffs".equals(map(v).get("name"))).toList();
    }

    private static void checkConfig(Map<String, Object> configMap, boolean owners, String values) {
        Map<String, Object> expected = plainConfig;
        if (owners) {
            Map<String, Object> collectors = new LinkedHashMap<>(map(plainConfig.get("collectors")));
            for (String collector : List.of("programs", "maps", "links")) {
                collectors.put(collector, merge(map(collectors.getOrDefault(collector, Map.of())), Map.of("owners", true)));
            }
            expected = merge(plainConfig, Map.of("collectors", collectors));
        }
        Map<String, Object> rendered = new Yaml().load((String) map(configMap.get("data")).get("config.yaml"));
        assertEquals(expected, rendered, values + ": config.yaml");
    }

    private static void checkService(Map<String, Object> service, Map<String, Object> daemonSet, String values) {
        Map<String, Object> spec = map(service.get("spec"));
        Map<String, Object> plainSpec = map(plainService.get("spec"));
        assertEquals(plainSpec.get("clusterIP"), spec.get("clusterIP"), values);
        assertEquals(plainSpec.get("ports"), spec.get("ports"), values);
        assertEquals(null, map(service.get("metadata")).get("annotations"), values + ": scrape annotations on the pods only");
        Map<String, Object> podLabels = map(map(map(map(daemonSet.get("spec")).get("template")).get("metadata")).get("labels"));
        assertTrue(podLabels.entrySet().containsAll(map(spec.get("selector")).entrySet()), values + ": the Service selects the pods");
    }

    private static void checkPrometheusRule(Map<String, Object> rule) throws Exception {
        List<Object> shipped = new ArrayList<>();
        for (String file : List.of("ebpf-exporter-rules.yml", "ebpf-exporter-alerts.yml")) {
            Map<String, Object> rules = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus").resolve(file)));
            shipped.addAll((List<?>) rules.get("groups"));
        }
        assertEquals(shipped, map(rule.get("spec")).get("groups"), "the PrometheusRule holds the shipped rules as they are");
    }

    private static Object endpoints(Map<String, Object> serviceMonitor) {
        return map(serviceMonitor.get("spec")).get("endpoints");
    }

    private static Map<String, Object> podSpec(Map<String, Object> daemonSet) {
        return map(map(map(daemonSet.get("spec")).get("template")).get("spec"));
    }

    private static Map<String, Object> container(Map<String, Object> workload) {
        return map(((List<?>) podSpec(workload).get("containers")).get(0));
    }

    /** {@code patch} over {@code base} as a strategic merge patch treats maps (merged) and lists of scalars (replaced). */
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> patch) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        patch.forEach((key, value) -> out.merge(key, value,
                (old, now) -> old instanceof Map<?, ?> && now instanceof Map<?, ?> ? merge(map(old), map(now)) : now));
        return out;
    }

    private static List<Map<String, Object>> loadAll(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml().loadAll(yaml).forEach(doc -> {
            if (doc != null) {
                docs.add(map(doc));
            }
        });
        return docs;
    }

    private static Map<String, Object> byKind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> Objects.equals(kind, d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " among " + docs.stream().map(d -> d.get("kind")).toList()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
