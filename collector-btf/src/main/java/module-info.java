/** Metrics about every loaded BTF object: vmlinux, kernel modules and user-loaded BTF. */
module io.ebpfexporter.collector.btf {
    requires io.ebpfexporter.core;

    provides io.ebpfexporter.core.Collector with io.ebpfexporter.collector.btf.BtfCollector;
}
