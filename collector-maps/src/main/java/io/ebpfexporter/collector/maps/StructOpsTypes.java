package io.ebpfexporter.collector.maps;

import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.info.MapInfo;
import io.ebpfexporter.core.walk.Host;

import java.io.UncheckedIOException;

/**
 * Names the kernel struct a struct_ops map fills: its value type in the kernel's BTF is
 * {@code struct bpf_struct_ops_<ops>}, so a map of {@code tcp_congestion_ops} says so, as does a sched_ext
 * scheduler's {@code sched_ext_ops}.
 */
final class StructOpsTypes {
    private static final String PREFIX = "bpf_struct_ops_";
    private static final System.Logger LOG = System.getLogger(StructOpsTypes.class.getName());

    private StructOpsTypes() {
    }

    /** The struct's name, or "" for a map that is not struct_ops or whose value type is not reported. */
    static String of(MapInfo map, Host host) {
        if (map.type() != MapInfo.STRUCT_OPS || map.vmlinuxValueTypeId() <= 0) {
            return "";
        }
        try {
            String name = KernelBtf.vmlinux(host.root()).name((int) map.vmlinuxValueTypeId());
            return name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
        } catch (UncheckedIOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.DEBUG, "struct_ops map {0}: no kernel BTF to name its type: {1}",
                    Integer.toUnsignedString(map.id()), e.getMessage());
            return "";
        }
    }
}
