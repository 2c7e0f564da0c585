package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.ScrapeContext;

import java.util.List;

/**
 * The type-specific metrics of one link type: one small class per {@code BPF_LINK_TYPE_*}, found by
 * {@link java.util.ServiceLoader}, so adding a type is adding a class and its {@code provides} entry.
 */
public interface LinkDetail {

    /** The {@code enum bpf_link_type} value this class describes. */
    int linkType();

    /**
     * Fresh families for one scrape, made through {@code scrape}. The first is the type's
     * {@code ebpf_link_<type>_info} family, whose first label is {@code link_id}.
     */
    List<Family> newFamilies(ScrapeContext scrape);

    /**
     * Whether the kernel reported this link's details: one that knows the link type but not its info
     * member (perf_event links before Linux 6.6) returns zeros, which are no answer.
     */
    default boolean reported(Link link) {
        return link.detailsFilled();
    }

    /** Adds one link's series to the families {@link #newFamilies} returned for this scrape. */
    void add(Link link, List<Family> families);
}
