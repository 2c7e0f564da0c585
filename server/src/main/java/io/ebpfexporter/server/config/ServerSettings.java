package io.ebpfexporter.server.config;

import io.ebpfexporter.core.config.Setting;

import java.util.List;

/** The server's own config keys, each declared once with its default, help and the flags that set it. */
final class ServerSettings {
    static final Setting HOST = Setting.text("server.host", "0.0.0.0",
            "address to listen on when no --listen-addr is given");
    static final Setting PORT = Setting.port("server.port", 11000, "port to listen on when no --listen-addr is given");
    static final Setting METRICS_PATH = Setting.text("server.metrics-path", "/metrics", "path of the metrics endpoint",
            "--metrics-path", "--web.telemetry-path");
    static final Setting LOG_LEVEL = Setting.choice("server.log-level", List.of("debug", "info", "warn", "error"), "info",
            "the exporter's log level", "--log-level");
    static final Setting MAX_REQUESTS = Setting.count("server.max-requests", 40,
            "concurrent scrapes served before answering 503", "--web.max-requests");
    static final Setting MAX_CONNECTIONS = Setting.count("server.max-connections", 512,
            "open connections per listener; at the limit a new connection closes the one that has gone longest"
                    + " without sending a request",
            "--web.max-connections");
    static final Setting IDLE_TIMEOUT = Setting.duration("server.idle-timeout", "30s",
            "a connection that sends no request line for this long (after connecting or after its last answer) is closed",
            "--web.idle-timeout");
    static final Setting HEADER_TIMEOUT = Setting.duration("server.header-timeout", "10s",
            "a request whose headers are not complete this long after its request line is closed",
            "--web.header-timeout");
    static final Setting DISABLE_EXPORTER_METRICS = Setting.bool("server.disable-exporter-metrics", false,
            "leave out the exporter's own process and JVM metrics (process_*, jvm_*)", "--web.disable-exporter-metrics");
    static final Setting NAMING = Setting.choice("metrics.naming", List.of("standard", "seed"), "standard",
            "metric names: Prometheus conventions (standard) or the seed exporter's (seed)");

    static final List<Setting> ALL = List.of(HOST, PORT, METRICS_PATH, LOG_LEVEL, MAX_REQUESTS, MAX_CONNECTIONS,
            IDLE_TIMEOUT, HEADER_TIMEOUT, DISABLE_EXPORTER_METRICS, NAMING);

    private ServerSettings() {
    }
}
