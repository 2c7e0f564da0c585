/** The exporter process: config, collector discovery, scraping, and the HTTP endpoint. */
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
