/**
 * The bpf() syscall, kernel struct layouts, the object walk and the collector SPI. The JNA binding in
 * {@code io.ebpfexporter.core.sys} is not exported: collectors issue bpf() commands through the typed
 * {@code io.ebpfexporter.core.bpf} package, whose struct declarations name every offset once.
 */
module io.ebpfexporter.core {
    requires com.sun.jna;
    requires transitive io.prometheus.metrics.model;

    exports io.ebpfexporter.core;
    exports io.ebpfexporter.core.bpf;
    exports io.ebpfexporter.core.asm to io.ebpfexporter.collector.maps;
    exports io.ebpfexporter.core.btf to io.ebpfexporter.collector.programs, io.ebpfexporter.collector.maps,
            io.ebpfexporter.collector.links;
    exports io.ebpfexporter.core.iter to io.ebpfexporter.collector.maps, io.ebpfexporter.server;
}
