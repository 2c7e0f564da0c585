package io.ebpfexporter.server;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Builds deploy/Containerfile around the runtime image and scrapes the container. Optional: it is
 * skipped where no Docker engine runs (as on this project's CI machines), and before the first
 * mvn package (which builds the image after the tests).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerImageTest {
    private static final Path BASE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

    @Test
    void containerServesMetrics() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(BASE.resolve("target/image/ebpf-exporter")),
                "the runtime image is built by mvn package, after the tests: run mvn package first");
        var image = new ImageFromDockerfile("ebpf-exporter-test", true)
                .withFileFromPath("server/deploy/Containerfile", BASE.resolve("deploy/Containerfile"))
                .withFileFromPath("server/target/image/ebpf-exporter", BASE.resolve("target/image/ebpf-exporter"))
                .withDockerfilePath("server/deploy/Containerfile");
        try (var container = new GenericContainer<>(image)
                .withPrivilegedMode(true)
                .withExposedPorts(11000)
                .waitingFor(Wait.forLogMessage(".*listening on http://.*", 1))) {
            container.start();
            URI uri = URI.create("http://" + container.getHost() + ":" + container.getMappedPort(11000) + "/metrics");
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("ebpf_exporter_collector_success{collector=\"programs\"} 1"), response.body());
        }
    }
}
