package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.ObjectKind;
import io.ebpfexporter.core.ObjectWalk;
import io.ebpfexporter.core.ProgInfo;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.List;

/** Every loaded eBPF program, from {@code struct bpf_prog_info}. */
public final class ProgramsCollector implements Collector {

    @Override
    public String name() {
        return "programs";
    }

    @Override
    public List<MetricSnapshot> collect() {
        Family info = Family.info("ebpf_program_info",
                "Loaded eBPF program (bpf_prog_info): id, type, name and tag as bpftool shows them",
                "prog_id", "prog_type", "prog_name", "tag");
        ObjectWalk.forEach(ObjectKind.PROGRAMS, program -> {
            ProgInfo p = program.info();
            info.add(Integer.toUnsignedString(p.id()), p.typeName(), p.name(), p.tag());
        });
        return Family.snapshots(info);
    }
}
