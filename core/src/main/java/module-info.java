/**
 * The bpf() syscall, kernel struct layouts, the object walk and the collector SPI, in packages by concern,
 * each importing only those above it in this list (a test keeps it so):
 * {@code sys} (libc over JNA, not exported), {@code bpf} (one method per bpf() command, struct layouts),
 * {@code asm} (the BPF instruction builder), {@code kernel} (names, limits, RLIMIT_MEMLOCK), {@code info}
 * (decoded infos, fdinfo), {@code walk} (object kinds, sources, the walk), {@code btf} (the kernel's BTF),
 * {@code iter} (iterator programs and their readers), {@code refs} (owners and pins), {@code config}
 * (settings), and at the root the SPI a collector implements: {@link io.ebpfexporter.core.Collector},
 * {@link io.ebpfexporter.core.ScrapeContext}, {@link io.ebpfexporter.core.Family}.
 */
module io.ebpfexporter.core {
    requires com.sun.jna;
    requires transitive io.prometheus.metrics.model;

    exports io.ebpfexporter.core;
    exports io.ebpfexporter.core.config;
    exports io.ebpfexporter.core.info;
    exports io.ebpfexporter.core.kernel;
    exports io.ebpfexporter.core.walk;
    exports io.ebpfexporter.core.bpf to io.ebpfexporter.collector.programs, io.ebpfexporter.collector.maps,
            io.ebpfexporter.collector.links, io.ebpfexporter.server;
    exports io.ebpfexporter.core.asm to io.ebpfexporter.collector.maps;
    exports io.ebpfexporter.core.btf to io.ebpfexporter.collector.programs, io.ebpfexporter.collector.maps,
            io.ebpfexporter.collector.links;
    exports io.ebpfexporter.core.iter to io.ebpfexporter.collector.maps, io.ebpfexporter.collector.links,
            io.ebpfexporter.server;
    exports io.ebpfexporter.core.refs to io.ebpfexporter.collector.links, io.ebpfexporter.server;
}
