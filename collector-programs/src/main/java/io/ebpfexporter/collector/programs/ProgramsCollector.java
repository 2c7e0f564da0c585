package io.ebpfexporter.collector.programs;

import io.ebpfexporter.core.BootClock;
import io.ebpfexporter.core.Collector;
import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.FdInfo;
import io.ebpfexporter.core.ObjectKind;
import io.ebpfexporter.core.ObjectWalk;
import io.ebpfexporter.core.ProgInfo;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

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
        Family verified = Family.gauge("ebpf_program_verified_instructions",
                "Instructions the verifier processed when loading the program (bpf_prog_info.verified_insns)",
                "prog_id");
        Family jited = Family.gauge("ebpf_program_jited_bytes",
                "Size of the JIT-compiled program (bpf_prog_info.jited_prog_len)", "prog_id").unit(Unit.BYTES);
        Family translated = Family.gauge("ebpf_program_translated_bytes",
                "Size of the program after the verifier rewrote it (bpf_prog_info.xlated_prog_len)", "prog_id")
                .unit(Unit.BYTES);
        Family memlock = Family.gauge("ebpf_program_memlock_bytes",
                "Memory charged to the program (fdinfo memlock, as bpftool's bytes_memlock)", "prog_id")
                .unit(Unit.BYTES);
        Family loaded = Family.gauge("ebpf_program_loaded_timestamp_seconds",
                "When the program was loaded, as Unix time (bpf_prog_info.load_time from boot time)", "prog_id");
        ObjectWalk.forEach(ObjectKind.PROGRAMS, program -> {
            ProgInfo p = program.info();
            long memlockBytes = FdInfo.of(program).number("memlock");
            double loadedAt = BootClock.unixSeconds(p.loadTimeNs());
            String id = Integer.toUnsignedString(p.id());
            info.add(id, p.typeName(), p.name(), p.tag());
            verified.add(p.verifiedInsns(), id);
            jited.add(p.jitedProgLen(), id);
            translated.add(p.xlatedProgLen(), id);
            if (memlockBytes >= 0) {
                memlock.add(memlockBytes, id);
            }
            loaded.add(loadedAt, id);
        });
        return Family.snapshots(info, verified, jited, translated, memlock, loaded);
    }
}
