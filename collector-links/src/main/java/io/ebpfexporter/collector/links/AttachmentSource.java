package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;

/**
 * Where the kernel keeps one kind of hook's programs, whatever attached them (netlink, BPF_PROG_ATTACH
 * or a link): one small class per kind, found by {@link java.util.ServiceLoader}, so adding a kind is
 * adding a class and its {@code provides} entry.
 */
public interface AttachmentSource {

    /** The kind of hook, as {@code ebpf_exporter_attachment_source_success} names it. */
    String name();

    /** The family this source's series belong to. */
    AttachmentFamily family();

    /**
     * Adds this scrape's attachments to {@code family}. Throws when the kernel refuses to say (for
     * example BPF_PROG_QUERY without CAP_NET_ADMIN); the other sources still run.
     */
    void add(AttachmentScan scan, Family family);

    /**
     * Whether this kind of hook belongs to a network namespace (interfaces, a namespace's own hooks): such
     * a source reads the namespace of the thread that runs it, which the collector points at each
     * namespace it covers in turn.
     */
    default boolean networkNamespaced() {
        return false;
    }
}
