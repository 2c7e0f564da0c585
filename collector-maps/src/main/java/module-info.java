/** Metrics about every eBPF map, with optional entry counts. */
module io.ebpfexporter.collector.maps {
    requires io.ebpfexporter.core;

    provides io.ebpfexporter.core.Collector with io.ebpfexporter.collector.maps.MapsCollector;
}
