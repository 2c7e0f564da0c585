/**
 * The exporter process, which exports no API. Its packages, each using only those listed after it:
 * {@code io.ebpfexporter.server} (the entry point: start, signals, logging, readiness),
 * {@code .http} (listeners, routes, TLS, basic auth, the landing page and live view),
 * {@code .scrape} (running the collectors, writing the exposition) and
 * {@code .config} (the config file, flags, settings and collector choice).
 */
module io.ebpfexporter.server {
    requires io.ebpfexporter.core;
    requires io.helidon.webserver;
    requires io.helidon.config;
    requires io.helidon.config.yaml;
    requires org.yaml.snakeyaml;
    requires io.helidon.common.tls;
    requires io.helidon.common.pki;
    requires io.helidon.common.configurable;
    requires io.prometheus.writer.text;
    requires io.prometheus.metrics.instrumentation.jvm;
    requires jdk.management; // the process CPU time and fd counts client_java reads through it
    requires spring.security.crypto;
    requires java.logging;
    requires jdk.unsupported; // sun.misc.Signal: SIGTERM exits 0, SIGHUP reloads

    uses io.ebpfexporter.core.Collector;
}
