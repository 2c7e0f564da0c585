package io.ebpfexporter.server.http;

import io.ebpfexporter.server.config.ExporterConfig;
import io.ebpfexporter.server.config.StartupException;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.config.Config;
import io.helidon.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Prometheus exporter-toolkit web config file ({@code --web.config.file}): {@code tls_server_config}
 * (PEM certificate and key, client CA and client auth type, TLS versions) and {@code basic_auth_users}
 * (bcrypt hashes). Relative paths are resolved against the file's directory, as the toolkit does. Every
 * key is checked, and a key the toolkit has but this exporter does not implement is refused by name
 * rather than silently ignored, since it would weaken what the operator asked for. {@code files} are the
 * files it was read from, which the exporter watches for rotation.
 */
public record WebConfig(Optional<Tls> tls, Map<String, String> users, List<Path> files) {
    private static final Set<String> SECTIONS = Set.of("tls_server_config", "basic_auth_users", "http_server_config");
    private static final Set<String> TLS_KEYS = Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file",
            "min_version", "max_version");
    private static final List<String> VERSIONS = List.of("TLS10", "TLS11", "TLS12", "TLS13");

    public static WebConfig none() {
        return new WebConfig(Optional.empty(), Map.of(), List.of());
    }

    public static WebConfig load(Path file) {
        Config config;
        try {
            config = ExporterConfig.yamlFile(file, "web config file", "--web.config.file");
            checkKeys(config, file);
        } catch (ConfigException e) {
            throw new StartupException("cannot read web config " + file + ": " + ExporterConfig.firstLine(e)
                    + "; fix the YAML syntax");
        }
        Path dir = file.toAbsolutePath().getParent();
        Map<String, String> users = new LinkedHashMap<>();
        config.get("basic_auth_users").asNodeList().orElse(List.of()).forEach(user -> {
            String hash = user.asString().orElse("");
            if (!hash.matches("\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                throw new StartupException("basic_auth_users." + user.name() + " in " + file + " is not a bcrypt hash;"
                        + " make one with: htpasswd -nBC 10 '' | tr -d ':\\n'");
            }
            users.put(user.name(), hash);
        });
        Config tls = config.get("tls_server_config");
        List<Path> files = new java.util.ArrayList<>(List.of(file));
        for (String name : List.of("cert_file", "key_file", "client_ca_file")) {
            tls.get(name).asString().asOptional().map(dir::resolve).ifPresent(files::add);
        }
        return new WebConfig(tls.exists() ? Optional.of(tls(tls, dir, file)) : Optional.empty(), Map.copyOf(users),
                List.copyOf(files));
    }

    private static void checkKeys(Config config, Path file) {
        config.traverse().filter(Config::isLeaf).forEach(leaf -> {
            String[] parts = leaf.key().toString().split("\\.", 3);
            String key = parts.length == 1 ? parts[0] : parts[0] + "." + parts[1]; // a list's items are numbered
            String why = null;
            if (!SECTIONS.contains(parts[0])) {
                why = "the web config takes " + String.join(", ", new TreeSet<>(SECTIONS));
            } else if (parts[0].equals("tls_server_config") && (parts.length == 1 || !TLS_KEYS.contains(parts[1]))) {
                why = "tls_server_config takes " + String.join(", ", new TreeSet<>(TLS_KEYS))
                        + " (cipher_suites, curve_preferences, client_allowed_sans and inline cert/key are not supported)";
            } else if (parts[0].equals("http_server_config") && !key.equals("http_server_config.http2")) {
                why = "http_server_config takes only http2 (the exporter serves HTTP/1.1; custom headers are not supported)";
            }
            if (why != null) {
                throw new StartupException("unsupported key '" + key + "' in web config " + file + "; " + why);
            }
        });
    }

    private static Tls tls(Config tls, Path dir, Path file) {
        Path cert = required(tls, "cert_file", dir, file);
        Path key = required(tls, "key_file", dir, file);
        String clientAuthType = tls.get("client_auth_type").asString().orElse("NoClientCert");
        TlsClientAuth clientAuth = switch (clientAuthType) {
            case "NoClientCert" -> TlsClientAuth.NONE;
            case "VerifyClientCertIfGiven" -> TlsClientAuth.OPTIONAL;
            case "RequireAndVerifyClientCert" -> TlsClientAuth.REQUIRED;
            case "RequestClientCert", "RequireAnyClientCert" -> throw new StartupException("client_auth_type "
                    + clientAuthType + " in " + file + " is not supported: Java verifies every client certificate"
                    + " it accepts; use VerifyClientCertIfGiven or RequireAndVerifyClientCert with client_ca_file");
            default -> throw new StartupException("client_auth_type in " + file + " must be NoClientCert,"
                    + " VerifyClientCertIfGiven or RequireAndVerifyClientCert, not '" + clientAuthType + "'");
        };
        Optional<Path> clientCa = tls.get("client_ca_file").asString().asOptional().map(dir::resolve);
        if (clientAuth != TlsClientAuth.NONE && clientCa.isEmpty()) {
            throw new StartupException("client_auth_type " + clientAuthType + " in " + file
                    + " needs client_ca_file, the CA that signs client certificates");
        }
        clientCa.ifPresent(ca -> readable(ca, "client_ca_file", file));
        int min = version(tls, "min_version", "TLS12", file);
        int max = version(tls, "max_version", "TLS13", file);
        if (min > max) {
            throw new StartupException("min_version is above max_version in " + file);
        }
        List<String> protocols = VERSIONS.subList(min, max + 1).stream().map(v -> "TLSv1." + v.charAt(4)).toList();
        try {
            Resource keyResource = Sec1Key.asPkcs8(Files.readString(key)).map(pkcs8 -> Resource.create(key.toString(), pkcs8))
                    .orElse(Resource.create(key));
            Keys keys = Keys.builder().pem(pem -> pem.key(keyResource).certChain(Resource.create(cert))).build();
            PrivateKey privateKey = keys.privateKey().orElseThrow(() -> new IllegalArgumentException("no private key"));
            if (keys.certChain().isEmpty() || !belongTogether(privateKey, keys.certChain().get(0).getPublicKey())) {
                throw new StartupException("the key " + key + " does not belong to the certificate " + cert + " (from "
                        + file + "): every handshake would fail; give the key the certificate was issued for");
            }
            PlainHttpRefusal manager = new PlainHttpRefusal();
            var builder = Tls.builder()
                    .manager(manager)
                    .privateKey(privateKey)
                    .privateKeyCertChain(keys.certChain())
                    .clientAuth(clientAuth)
                    .enabledProtocols(protocols)
                    .endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_NONE);
            clientCa.ifPresent(ca -> builder.trust(Keys.builder().pem(pem -> pem.certificates(Resource.create(ca)))
                    .build().certs()));
            Tls built = builder.build();
            manager.parameters(built.sslParameters());
            return built;
        } catch (StartupException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new StartupException("cannot use the TLS certificate " + cert + " and key " + key + " from " + file
                    + ": " + e.getMessage() + "; give a PEM certificate chain and its unencrypted PEM private key");
        }
    }

    /** Whether {@code certificateKey} verifies what {@code key} signs: a key and certificate that match. */
    private static boolean belongTogether(PrivateKey key, PublicKey certificateKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // a kind this check does not know: the handshake decides
        }
        try {
            byte[] probe = "ebpf-exporter key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an RSA key with an EC certificate
        }
    }

    private static Path required(Config tls, String name, Path dir, Path file) {
        Path path = tls.get(name).asString().asOptional().map(dir::resolve).orElseThrow(() -> new StartupException(
                "tls_server_config in " + file + " needs " + name));
        return readable(path, name, file);
    }

    private static Path readable(Path path, String name, Path file) {
        if (!Files.isReadable(path)) {
            throw new StartupException(name + " " + path + " (from " + file + ") does not exist or cannot be read");
        }
        return path;
    }

    private static int version(Config tls, String name, String fallback, Path file) {
        String value = tls.get(name).asString().orElse(fallback);
        int index = VERSIONS.indexOf(value);
        if (index < 0) {
            throw new StartupException(name + " in " + file + " must be one of " + String.join(", ", VERSIONS)
                    + ", not '" + value + "'");
        }
        return index;
    }
}
