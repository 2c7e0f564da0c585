package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.LinkRecipes;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's kit against live data: Debian's Prometheus scrapes the exporter every second with the
 * rule files of deploy/prometheus loaded, while a fixture program runs, a fixture hash map is 95 % full,
 * a fixture link exists and a fixture program is attached to a cgroup. Every rule must be healthy, the
 * map-pressure alert pending for the map, and every expression of the Grafana dashboard, its variables
 * substituted, must return series for them.
 */
class OperatorKitTest {
    private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).resolve("deploy");
    private static final Pattern EXPR = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The dashboard's expressions, JSON string escapes undone. */
    static List<String> dashboardExpressions() throws Exception {
        List<String> out = new ArrayList<>();
        Matcher m = EXPR.matcher(Files.readString(DEPLOY.resolve("grafana/ebpf-exporter.json")));
        while (m.find()) {
            out.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return out;
    }

    @Test
    void rulesAlertsAndEveryDashboardPanelWorkOnLiveData() throws Exception {
        Kernel.requireBpf();
        Kernel.requireTool("bpftool");
        try (Fixtures fx = new Fixtures(); ExporterProcess exporter = ExporterProcess.start(BusyHost.CONFIG_WITH_ATTACHMENTS);
             Fixtures links = new Fixtures(); BusyHost busy = new BusyHost(fx, "kit"); HostSetup host = new HostSetup()) {
            Fixtures.Made program = busy.program;
            Fixtures.Made map = busy.map;
            links.rawTracepoint(links.program(LinkRecipes.PROG_RAW_TRACEPOINT, "kit_link"), "sched_process_exec");
            Fixtures.Made attached = links.program(Fixtures.PROG_CGROUP_SKB, "kit_cgroup", Fixtures.ATTACH_CGROUP_INET_INGRESS, 1);
            HostSetup.run("bpftool", "cgroup", "attach", host.cgroup().toString(), "ingress", "id",
                    Integer.toString(attached.id()));
            String instance = "127.0.0.1:" + exporter.port();
            try (PrometheusProcess server = PrometheusProcess.start("""
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    rule_files: ["%s", "%s"]
                    scrape_configs:
                      - job_name: ebpf
                        static_configs:
                          - targets: ["%s"]
                    """.formatted(DEPLOY.resolve("prometheus/ebpf-exporter-rules.yml").toAbsolutePath(),
                    DEPLOY.resolve("prometheus/ebpf-exporter-alerts.yml").toAbsolutePath(), instance))) {
                String pressure = "map:ebpf_map_pressure:ratio{map_id=\"" + map.id() + "\"}";
                String alerts = server.await("/api/v1/alerts", a -> a.contains("\"map_id\":\"" + map.id() + "\""));
                server.await("/api/v1/query?query=prog:ebpf_program_average_run_seconds:rate5m",
                        a -> a.contains("\"prog_id\":\"" + program.id() + "\""));
                String log = "\n" + server.log();
                Matcher alert = Pattern.compile("\\{\"labels\":\\{\"alertname\":\"EbpfMapNearlyFull\",[^}]*\"map_id\":\""
                        + map.id() + "\"[^}]*},\"annotations\":\\{[^}]*},\"state\":\"(pending|firing)\"").matcher(alerts);
                assertTrue(alert.find(), "EbpfMapNearlyFull pending for map " + map.id() + ": " + alerts + log);
                assertTrue(server.query(pressure).contains("\"0.95\"]"), server.query(pressure));

                String rules = server.get("/api/v1/rules");
                assertEquals(21, count(rules, "\"health\":\"ok\""), "every rule healthy: " + rules);
                assertEquals(0, count(rules, "\"lastError\":\"") - count(rules, "\"lastError\":\"\""), rules);

                List<String> expressions = dashboardExpressions();
                assertEquals(15, expressions.size(), "the dashboard's panel expressions");
                for (String expression : expressions) {
                    String substituted = expression.replace("$instance", instance);
                    String answer = server.query(substituted);
                    assertTrue(answer.startsWith("{\"status\":\"success\""), substituted + ": " + answer);
                    assertTrue(answer.contains("\"result\":[{"), substituted + " returned no series: " + answer);
                    // the attachment table: the cgroup attachment, with the program's name
                    String fixture = expression.contains("attachment")
                            ? "\"kind\":\"cgroup\",\"prog_id\":\"" + attached.id() + "\",\"prog_name\":\"kit_cgroup\""
                            : expression.contains("prog:") ? "\"prog_id\":\"" + program.id() + "\""
                            : expression.contains("map:") ? "\"map_id\":\"" + map.id() + "\"" : "";
                    assertTrue(answer.contains(fixture), substituted + " lacks the fixture object: " + answer);
                }
            }
        }
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }
}
