package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config switches and every start-up failure, through the real launcher: one line, exit 2. */
class ConfigAndStartupTest {

    private static Path yaml(String text) throws Exception {
        Path file = Files.createTempFile("ebpf-exporter-config", ".yaml");
        Files.writeString(file, text);
        file.toFile().deleteOnExit();
        return file;
    }

    private static void assertOneLineError(ExporterProcess.Exit exit, String... fragments) {
        exit.assertOneLineError(fragments);
    }

    @Test
    void disablingProgramsRemovesItsSeriesAndItsSuccessRow() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("collectors:\n  programs:\n    enabled: false\n")) {
            String metrics = exporter.scrape();
            assertFalse(metrics.contains("ebpf_program_info"), metrics);
            assertFalse(metrics.contains("collector=\"programs\""), metrics);
            assertTrue(exporter.output().contains("collectors on: btf, links, maps;"), exporter.output());
            assertTrue(metrics.contains("ebpf_exporter_collector_success{collector=\"maps\"} 1.0"), metrics);
        }
    }

    @Test
    void everyCollectorModuleIsDiscoveredAndMapEntriesCanBeSwitchedOn() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("collectors:\n  maps:\n    count_entries: true\n")) {
            String metrics = exporter.scrape();
            for (String collector : new String[] {"btf", "links", "maps", "programs"}) {
                assertTrue(metrics.contains("ebpf_exporter_collector_success{collector=\"" + collector + "\"} 1.0"), metrics);
            }
            assertTrue(metrics.contains("btf_name=\"vmlinux\",is_kernel=\"true\"} 1"), metrics);
        }
    }

    @Test
    void metricsPathIsConfigurable() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = ExporterProcess.start("  metrics-path: /probe\n", "")) {
            assertEquals(200, exporter.request("GET", "/probe").statusCode());
            assertEquals(404, exporter.request("GET", "/metrics").statusCode());
        }
    }

    @Test
    void seedNamingAndTheStatsCostInTheStartupLine() throws Exception {
        Kernel.requireBpf();
        try (Fixtures fx = new Fixtures();
             ExporterProcess exporter = ExporterProcess.start("metrics:\n  naming: seed\n"
                     + "collectors:\n  programs:\n    stats:\n      mode: enabled\n")) {
            var prog = fx.program(Fixtures.PROG_SOCKET_FILTER, "seed_names");
            fx.testRun(prog, 7);
            String metrics = exporter.scrape();
            assertTrue(metrics.contains("ebpf_program_run_count{prog_id=\"" + prog.id() + "\"} 7"), metrics);
            assertTrue(metrics.contains("# TYPE ebpf_program_run_count untyped"), metrics);
            assertTrue(metrics.contains("# TYPE ebpf_program_run_duration_nanoseconds untyped"), metrics);
            assertFalse(metrics.contains("ebpf_program_run_count_total"), metrics);
            assertTrue(exporter.output().contains("programs (program stats always on: every BPF program on the host"
                    + " pays for run-time accounting)"), exporter.output());
        }
    }

    @Test
    void statsAndNamingMistakes() throws Exception {
        Kernel.requireBpf();
        assertOneLineError(ExporterProcess.run("--config.file=" + yaml("collectors:\n  programs:\n    stats:\n"
                        + "      mode: sample\n      sample_interval: 10s\n      sample_duration: 1m\n")),
                "collectors.programs.stats.sample_duration (1m) must be shorter than");
        assertOneLineError(ExporterProcess.run("--config.file=" + yaml("collectors:\n  programs:\n    stats:\n"
                        + "      mode: sample\n      sample_interval: -5s\n      sample_duration: 1s\n")),
                "collectors.programs.stats.sample_interval");
        assertOneLineError(ExporterProcess.run("--config.file=" + yaml("metrics:\n  naming: legacy\n")),
                "metrics.naming must be one of standard, seed, not 'legacy'");
        assertOneLineError(ExporterProcess.run("--config.file=" + yaml("metrics:\n  nameing: seed\n")),
                "unknown config key 'metrics.nameing'", "naming");
    }

    @Test
    void unknownCollector() throws Exception {
        assertOneLineError(ExporterProcess.run("--config.file=" + yaml("collectors:\n  progs:\n    enabled: true\n")),
                "unknown collector 'progs'", "programs");
    }

    @Test
    void unknownKeys() throws Exception {
        assertOneLineError(ExporterProcess.run("--config.file=" + yaml("collectors:\n  programs:\n    enable: true\n")),
                "unknown config key 'collectors.programs.enable'", "enabled");
        assertOneLineError(ExporterProcess.run("--config.file=" + yaml("sever:\n  port: 1\n")),
                "unknown config key 'sever.port'");
        assertOneLineError(ExporterProcess.run("--config.file=" + yaml("server:\n  prot: 1\n")),
                "unknown config key 'server.prot'", "port");
    }

    @Test
    void badValues() throws Exception {
        assertOneLineError(ExporterProcess.run("--config.file=" + yaml("collectors:\n  programs:\n    enabled: yes please\n")),
                "collectors.programs.enabled must be true or false");
        assertOneLineError(ExporterProcess.run("--config.file=" + yaml("server:\n  port: 99999\n")),
                "server.port must be a port number");
    }

    @Test
    void badYamlSyntax() throws Exception {
        Path broken = yaml("collectors: [unclosed\n");
        assertOneLineError(ExporterProcess.run("--config.file=" + broken), broken + ":2:1: ", "fix the YAML syntax");
        Path twice = yaml("server:\n  port: 1\n  port: 2\n");
        assertOneLineError(ExporterProcess.run("--config.file=" + twice), twice + ":3:3: found duplicate key port",
                "give each key once");
        Path list = yaml("- server\n- collectors\n");
        assertOneLineError(ExporterProcess.run("--config.file=" + list), "the top level must be a mapping", "not a list");
    }

    @Test
    void missingConfigFileAndUnknownFlag() throws Exception {
        assertOneLineError(ExporterProcess.run("--config.file=/nonexistent/ebpf.yaml"),
                "/nonexistent/ebpf.yaml does not exist");
        assertOneLineError(ExporterProcess.run("--bogus"), "unknown flag '--bogus'", "--help");
    }

    @Test
    void portInUse() throws Exception {
        Kernel.requireBpf();
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertOneLineError(ExporterProcess.run("--config.file="
                            + yaml("server:\n  host: 127.0.0.1\n  port: " + taken.getLocalPort() + "\n")),
                    "cannot listen on 127.0.0.1:" + taken.getLocalPort(), "server.port");
        }
    }

    @Test
    void withoutCapSysAdminNorCapBpfItStopsAndNamesBothWays() throws Exception {
        Kernel.requireBpf();
        String setpriv = Kernel.requireTool("setpriv");
        assertOneLineError(ExporterProcess.runUnder(
                        java.util.List.of(setpriv, "--bounding-set=-sys_admin,-bpf,-perfmon", "--inh-caps=-sys_admin,-bpf,-perfmon", "--"),
                        "--config.file=" + yaml("server:\n  host: 127.0.0.1\n  port: 0\n")),
                "bpf() is not permitted (EPERM)", "CAP_SYS_ADMIN, or with CAP_BPF and CAP_PERFMON");
    }

    @Test
    void helpAndVersion() throws Exception {
        ExporterProcess.Exit help = ExporterProcess.run("--help");
        assertEquals(0, help.code());
        assertTrue(help.stdout().contains("--config.file=PATH"), help.stdout());
        ExporterProcess.Exit version = ExporterProcess.run("--version");
        assertEquals(0, version.code());
        assertTrue(version.stdout().startsWith("ebpf-exporter "), version.stdout());
    }
}
