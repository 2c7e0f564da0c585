package io.ebpfexporter.collector.btf;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.ObjectCollector;
import io.ebpfexporter.core.ReferenceFamilies;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.info.BtfInfo;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.ArrayList;
import java.util.List;

/** Every BTF object, from {@code struct bpf_btf_info}. */
public final class BtfCollector extends ObjectCollector {
    public BtfCollector() {
        super("btf", ObjectKind.BTFS, "--collector.btf", List.of());
    }

    @Override
    public List<MetricSnapshot> collect(ScrapeContext scrape) {
        Family info = scrape.info("ebpf_btf_info",
                "Loaded BTF object (bpf_btf_info): name (empty for user BTF) and whether the kernel owns it"
                        + " (vmlinux or a module); both empty on kernels before 5.11, which report neither",
                idLabel(), "btf_name", "is_kernel");
        Family size = scrape.gauge("ebpf_btf_size_bytes", "Size of the BTF data (bpf_btf_info.btf_size)", idLabel())
                .unit(Unit.BYTES);
        ReferenceFamilies references = references(scrape);
        ObjectWalk.forEach(scrape.host().objects(), ObjectKind.BTFS, btf -> {
            BtfInfo b = btf.info();
            String id = Integer.toUnsignedString(b.id());
            info.add(id, b.name(), b.named() ? Boolean.toString(b.kernel()) : "");
            size.add(b.size(), id);
            references.add(b.id(), id);
        });
        List<MetricSnapshot> out = new ArrayList<>(Family.snapshots(info, size));
        out.addAll(references.snapshots());
        return out;
    }
}
