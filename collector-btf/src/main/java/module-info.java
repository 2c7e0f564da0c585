/** The btf collector (its metrics arrive with their own issue). */
module io.ebpfexporter.collector.btf {
    requires io.ebpfexporter.core;
}
