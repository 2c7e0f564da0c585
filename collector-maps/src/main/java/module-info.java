/** The maps collector (its metrics arrive with their own issue). */
module io.ebpfexporter.collector.maps {
    requires io.ebpfexporter.core;
}
