/**
 * The bpf() syscall, kernel struct decoding and the collector SPI. The JNA binding in
 * {@code io.ebpfexporter.core.sys} is not exported: collectors see typed operations only.
 */
module io.ebpfexporter.core {
    requires com.sun.jna;
    requires transitive io.prometheus.metrics.model;

    exports io.ebpfexporter.core;
}
