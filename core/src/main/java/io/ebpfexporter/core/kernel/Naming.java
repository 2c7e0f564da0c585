package io.ebpfexporter.core.kernel;

/** The metric naming scheme, config {@code metrics.naming}. */
public enum Naming {
    /** Prometheus conventions: counters end in {@code _total}, values in base units. */
    STANDARD,
    /** The names and units digitalocean-labs/ebpf_exporter used, so existing dashboards keep working. */
    SEED
}
