/** The links collector (its metrics arrive with their own issue). */
module io.ebpfexporter.collector.links {
    requires io.ebpfexporter.core;
}
