/** Metrics about every loaded eBPF program. */
module io.ebpfexporter.collector.programs {
    requires io.ebpfexporter.core;

    provides io.ebpfexporter.core.Collector with io.ebpfexporter.collector.programs.ProgramsCollector;
}
