package io.ebpfexporter.server;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Builds deploy/Containerfile around the runtime image and runs it as the DaemonSet does: host network,
 * every capability dropped but SYS_ADMIN, the engine's default seccomp profile, a read-only root with a
 * tmpfs /tmp, the DaemonSet's ConfigMap config as shipped at its path and the host's bpffs mounted read-only.
 * A scrape must pass promtool, list a fixture program and show the config's statistics mode as these
 * privileges allow it: sampled, or named unavailable without CAP_SYS_ADMIN. It runs after {@code mvn package}
 * (Maven's integration-test phase), through Testcontainers against a Docker API: podman's in CI
 * (.ci/run starts {@code podman system service}; EBPF_EXPORTER_CONTAINER_BASE names its local base image).
 */
class ContainerImageTest {
    private static final Path BASE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

    private static void requireEngine() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return;
        }
        String problem = "no Docker API to build and run the image (start one, e.g. podman system service, and set"
                + " DOCKER_HOST, as .ci/run does)";
        if (Kernel.required()) {
            Assertions.fail(problem + " (EBPF_EXPORTER_REQUIRE_KERNEL=1 forbids skipping)");
        }
        Assumptions.abort(problem);
    }

    @Test
    void theImageRunsWithTheDaemonSetsPrivilegesAndItsScrapePassesPromtool() throws Exception {
        String log = runAndScrape(host -> host.withCapDrop(Capability.ALL).withCapAdd(Capability.SYS_ADMIN), "sample");
        assertFalse(log.contains("reduced privileges"), log);
    }

    /**
     * The least-privilege variant (deploy/kubernetes/least-privilege.patch.yaml): the container's root with
     * only BPF and PERFMON (Kubernetes gives a non-root container user no ambient capabilities), seccomp
     * unconfined (podman's default profile refuses bpf(2) without CAP_SYS_ADMIN).
     */
    @Test
    void theLeastPrivilegeVariantRunsOnIteratorsAndItsScrapePassesPromtool() throws Exception {
        String log = runAndScrape(host -> host.withCapDrop(Capability.ALL).withCapAdd(Capability.BPF, Capability.PERFMON)
                .withSecurityOpts(List.of("seccomp=unconfined")), "unavailable");
        assertTrue(log.contains("reduced privileges"), log);
        assertTrue(log.contains("sample unavailable: BPF_ENABLE_STATS needs CAP_SYS_ADMIN"), log);
    }

    /**
     * Builds the image, runs it as the DaemonSet does with {@code privileges}, scrapes it and finds the
     * statistics mode {@code statsMode}; returns its log.
     */
    private static String runAndScrape(Consumer<HostConfig> privileges, String statsMode) throws Exception {
        Kernel.requireBpf();
        String promtool = Kernel.requireTool("promtool");
        Assumptions.assumeTrue(Files.isDirectory(BASE.resolve("target/image/ebpf-exporter")),
                "the runtime image is built by mvn package, after the unit tests: run mvn verify");
        requireEngine();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        var image = new ImageFromDockerfile("localhost/ebpf-exporter-test", true)
                .withFileFromPath("server/deploy/Containerfile", BASE.resolve("deploy/Containerfile"))
                .withFileFromPath("server/target/image/ebpf-exporter", BASE.resolve("target/image/ebpf-exporter"))
                .withDockerfilePath("server/deploy/Containerfile")
                .withBuildArg("BASE", System.getenv().getOrDefault("EBPF_EXPORTER_CONTAINER_BASE", "debian:bookworm-slim"));
        Path config = DeployFilesTest.daemonSetConfig();
        try (Fixtures fx = new Fixtures();
             var container = new GenericContainer<>(image)
                     .withNetworkMode("host")
                     .withCreateContainerCmdModifier(cmd -> privileges.accept(cmd.getHostConfig().withReadonlyRootfs(true)))
                     .withTmpFs(Map.of("/tmp", "rw"))
                     .withFileSystemBind(config.toString(), "/etc/ebpf-exporter/config.yaml", BindMode.READ_ONLY)
                     .withFileSystemBind("/sys/fs/bpf", "/sys/fs/bpf", BindMode.READ_ONLY)
                     .withCommand("--config.file=/etc/ebpf-exporter/config.yaml", "--listen-addr=127.0.0.1:" + port)
                     .waitingFor(Wait.forLogMessage(".*listening on http://.*", 1)
                             .withStartupTimeout(Duration.ofSeconds(120)))) {
            var program = fx.program(Fixtures.PROG_SOCKET_FILTER, "in_container");
            container.start();
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            String body = response.body();
            assertTrue(body.contains("ebpf_exporter_collector_success{collector=\"programs\"} 1"), body);
            assertTrue(body.contains("prog_id=\"" + program.id() + "\""), "the host's programs, seen from the container");
            assertTrue(body.contains("ebpf_exporter_program_stats_mode_info{mode=\"" + statsMode + "\"} 1"), body);
            assertTrue(body.contains("ebpf_exporter_scan_errors_total{scan=\"pins\"} 0.0"), body);
            Process check = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
            check.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            check.getOutputStream().close();
            String complaints = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, check.waitFor(), complaints);
            assertEquals("", complaints.strip(), "promtool check metrics");
            String log = container.getLogs();
            assertFalse(log.contains("pins absent"), log);
            return log;
        } finally {
            Files.delete(config);
        }
    }
}
