package io.ebpfexporter.server;

import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --web.config.file end to end: certificates made by openssl, requests made by curl (a TLS stack other
 * than Java's), the exporter launched for real.
 */
class WebConfigTest {
    @TempDir
    static Path pki;

    /** A CA, a server certificate for 127.0.0.1, a client certificate from the CA and one from a stranger CA. */
    @BeforeAll
    static void makeCertificates() throws Exception {
        Files.writeString(pki.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        for (String ca : List.of("ca", "stranger")) {
            openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", ca + ".key", "-out", ca + ".crt", "-days", "2", "-subj", "/CN=" + ca);
        }
        issue("server", "ca", "-extfile", "san.ext");
        issue("client", "ca");
        issue("intruder", "stranger");
    }

    private static void issue(String name, String ca, String... extra) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        List<String> sign = new ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt",
                "-CAkey", ca + ".key", "-CAcreateserial", "-out", name + ".crt", "-days", "2"));
        sign.addAll(List.of(extra));
        openssl(sign.toArray(String[]::new));
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(pki.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "openssl " + String.join(" ", args) + ":\n" + out);
    }

    private static Path webConfig(String yaml) throws IOException {
        Path file = Files.createTempFile(pki, "web", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static ExporterProcess start(Path webConfig) throws IOException {
        return ExporterProcess.start("", "", Map.of("--web.config.file", webConfig.toString()));
    }

    /** curl's result: its exit code, the HTTP status ("000" when there was no HTTP answer) and headers. */
    record Curl(int exit, String status, String headers) {
    }

    private static Curl curl(ExporterProcess exporter, String scheme, String... options) throws Exception {
        return curlPath(exporter, scheme, "/metrics", options);
    }

    private static Curl curlPath(ExporterProcess exporter, String scheme, String path, String... options) throws Exception {
        Path headers = Files.createTempFile(pki, "headers", ".txt");
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-D", headers.toString(),
                "-w", "%{http_code}", "--max-time", "20", "--cacert", pki.resolve("ca.crt").toString()));
        command.addAll(List.of(options));
        command.add(scheme + "://127.0.0.1:" + exporter.port() + path);
        Process p = new ProcessBuilder(command).start();
        String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Curl(p.exitValue(), status, Files.readString(headers));
    }

    private static String tls(String extra) {
        return "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + extra;
    }

    @Test
    void tlsWithBasicAuthAnswersOnlyRightPasswords() throws Exception {
        Kernel.requireBpf();
        String alice = BCrypt.hashpw("alice-secret", BCrypt.gensalt(10));
        // htpasswd -B writes $2y$, the same algorithm as $2a$/$2b$
        String bob = "$2y$" + BCrypt.hashpw("bob-secret", BCrypt.gensalt(10)).substring(4);
        Path config = webConfig(tls("") + "basic_auth_users:\n  alice: " + alice + "\n  bob: '" + bob + "'\n");
        try (ExporterProcess exporter = start(config)) {
            assertTrue(exporter.output().contains("listening on https://127.0.0.1:"), exporter.output());
            assertEquals("200", curl(exporter, "https", "-u", "alice:alice-secret").status());
            assertEquals("200", curl(exporter, "https", "-u", "alice:alice-secret").status(), "remembered credentials");
            assertEquals("200", curl(exporter, "https", "-u", "bob:bob-secret").status());
            assertEquals("401", curl(exporter, "https", "-u", "alice:wrong").status());
            assertEquals("401", curl(exporter, "https", "-u", "mallory:alice-secret").status());
            Curl anonymous = curl(exporter, "https");
            assertEquals("401", anonymous.status());
            assertTrue(anonymous.headers().toLowerCase().contains("www-authenticate: basic"), anonymous.headers());
            for (String path : List.of("/", "/live.json")) {
                assertEquals("200", curlPath(exporter, "https", path, "-u", "alice:alice-secret").status(), path);
                assertEquals("401", curlPath(exporter, "https", path).status(), path);
            }
            Curl plain = curl(exporter, "http", "-u", "alice:alice-secret");
            assertEquals("400", plain.status(), "plain HTTP on the TLS port gets a plain answer, not TLS bytes");
            assertEquals(0, plain.exit(), "a whole answer, no reset");
        }
    }

    @Test
    void plainHttpOnTheTlsPortIsToldToUseHttps() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = start(webConfig(tls("")))) {
            Process p = new ProcessBuilder("curl", "-s", "http://127.0.0.1:" + exporter.port() + "/metrics").start();
            String body = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor());
            assertTrue(body.contains("This port speaks HTTPS"), body);
            assertEquals("200", curl(exporter, "https").status(), "and TLS clients are served on");
        }
    }

    @Test
    void requiredClientCertificateMustComeFromTheClientCa() throws Exception {
        Kernel.requireBpf();
        Path config = webConfig(tls("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"));
        try (ExporterProcess exporter = start(config)) {
            String cert = pki.resolve("client.crt").toString();
            String key = pki.resolve("client.key").toString();
            assertEquals("200", curl(exporter, "https", "--cert", cert, "--key", key).status());
            Curl none = curl(exporter, "https");
            assertEquals("000", none.status(), "no HTTP answer without a client certificate");
            assertNotEquals(0, none.exit());
            Curl stranger = curl(exporter, "https", "--cert", pki.resolve("intruder.crt").toString(),
                    "--key", pki.resolve("intruder.key").toString());
            assertEquals("000", stranger.status(), "a certificate from another CA is refused in the handshake");
        }
    }

    @Test
    void minimumTlsVersionIsEnforced() throws Exception {
        Kernel.requireBpf();
        try (ExporterProcess exporter = start(webConfig(tls("  min_version: TLS13\n")))) {
            assertEquals("200", curl(exporter, "https").status());
            Curl old = curl(exporter, "https", "--tls-max", "1.2");
            assertEquals("000", old.status());
            assertNotEquals(0, old.exit());
        }
    }

    @Test
    void aSec1EcKeyWorks() throws Exception {
        Kernel.requireBpf();
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.key");
        assertTrue(Files.readString(pki.resolve("sec1.key")).contains("BEGIN EC PRIVATE KEY"));
        openssl("req", "-new", "-key", "sec1.key", "-out", "sec1.csr", "-subj", "/CN=sec1");
        openssl("x509", "-req", "-in", "sec1.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "sec1.crt", "-days", "2", "-extfile", "san.ext");
        try (ExporterProcess exporter = start(webConfig("tls_server_config:\n  cert_file: sec1.crt\n  key_file: sec1.key\n"))) {
            assertEquals("200", curl(exporter, "https").status());
        }
    }

    @Test
    void badWebConfigsStopWithOneLine() throws Exception {
        ExporterProcess.run("--web.config.file=/nonexistent/web.yml")
                .assertOneLineError("web config file /nonexistent/web.yml does not exist", "--web.config.file");
        ExporterProcess.run("--web.config.file=" + webConfig(tls("  cipher_suites: [TLS_AES_128_GCM_SHA256]\n")))
                .assertOneLineError("unsupported key 'tls_server_config.cipher_suites'", "cert_file");
        ExporterProcess.run("--web.config.file=" + webConfig("basic_auth_users:\n  alice: secret\n"))
                .assertOneLineError("basic_auth_users.alice", "not a bcrypt hash", "htpasswd");
        ExporterProcess.run("--web.config.file=" + webConfig("tls_server_config:\n  cert_file: server.crt\n"))
                .assertOneLineError("needs key_file");
        ExporterProcess.run("--web.config.file=" + webConfig("tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key\n"))
                .assertOneLineError("cert_file", "nope.crt", "does not exist");
        ExporterProcess.run("--web.config.file=" + webConfig(tls("  client_auth_type: RequireAnyClientCert\n")))
                .assertOneLineError("RequireAnyClientCert", "not supported", "RequireAndVerifyClientCert");
        ExporterProcess.run("--web.config.file=" + webConfig(tls("  client_auth_type: RequireAndVerifyClientCert\n")))
                .assertOneLineError("needs client_ca_file");
        ExporterProcess.run("--web.config.file=" + webConfig(tls("  min_version: TLS99\n")))
                .assertOneLineError("min_version", "TLS12", "TLS99");
        ExporterProcess.run("--web.config.file=" + webConfig("tls_server_config:\n  cert_file: server.key\n  key_file: server.crt\n"))
                .assertOneLineError("cannot use the TLS certificate", "PEM");
        ExporterProcess.run("--web.config.file=" + webConfig("tls_config:\n  cert_file: server.crt\n"))
                .assertOneLineError("unsupported key 'tls_config.cert_file'", "tls_server_config");
        ExporterProcess.run("--web.config.file=" + webConfig("tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n"))
                .assertOneLineError("client.key does not belong to the certificate", "server.crt");
    }
}
