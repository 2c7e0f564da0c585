package io.ebpfexporter.core;

import io.ebpfexporter.core.config.Setting;
import io.ebpfexporter.core.config.Settings;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.List;

/**
 * A source of metrics, found by {@link java.util.ServiceLoader} and run by the server at scrape time.
 * Timing, success reporting and parallelism live in the server, once; a collector only reads the
 * kernel and returns fresh snapshots, so nothing goes stale between scrapes.
 */
public interface Collector extends AutoCloseable {

    /** The name under {@code collectors:} in the YAML config and in the {@code collector} label. */
    String name();

    /** Whether the collector runs when the config does not say. */
    default boolean enabledByDefault() {
        return true;
    }

    /** The flags the seed (digitalocean-labs/ebpf_exporter) used for {@code collectors.<name>.enabled}. */
    default List<String> enabledAliases() {
        return List.of();
    }

    /** The settings this collector reads under {@code collectors.<name>}, besides {@code enabled}. */
    default List<Setting> settings() {
        return List.of();
    }

    /**
     * Called once before the first scrape with this collector's config subtree. Throws
     * {@link IllegalArgumentException} with a message naming the key and the fix for bad values.
     */
    default void configure(Settings settings) {
    }

    /**
     * What an operator must know about this collector's configuration, appended to the start-up line
     * (for example a cost it imposes on the host), or empty.
     */
    default String startupNote() {
        return "";
    }

    /**
     * Reads the kernel and returns this scrape's metric families, made through {@code scrape}, whose
     * readers its walks use. May be called concurrently, each call with its own context.
     */
    List<MetricSnapshot> collect(ScrapeContext scrape);

    /** Releases what {@link #configure} acquired; called once at shutdown. */
    @Override
    default void close() {
    }
}
