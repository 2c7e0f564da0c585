package io.ebpfexporter.collector.maps;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.BpfMapInfo;
import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.bpf.StructView;
import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.core.info.MapInfo;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.OpenObject;

import java.io.UncheckedIOException;

/**
 * The kernel struct a struct_ops map fills ({@code tcp_congestion_ops}, {@code sched_ext_ops}, ...): the
 * map's {@code btf_vmlinux_value_type_id} names its value type, {@code bpf_struct_ops_<struct>}, in the
 * kernel's BTF, which is parsed only once a struct_ops map appears, and then once per process.
 */
final class StructOpsStructs {
    static final int MAP_TYPE_STRUCT_OPS = 26;
    private static final String VALUE_TYPE_PREFIX = "bpf_struct_ops_";
    private static final Field VALUE_TYPE_ID = BpfMapInfo.StructOps.BTF_VMLINUX_VALUE_TYPE_ID;

    private StructOpsStructs() {
    }

    /**
     * The struct's name; "" for other maps, and where it is not known: a recorded host or a source
     * without fds (iterators), a kernel without the field (before 5.6), a map gone since it was opened, a
     * kernel without BTF.
     */
    static String of(OpenObject<MapInfo> map, Host host) {
        if (map.info().type() != MAP_TYPE_STRUCT_OPS || !host.isLive() || map.fd() < 0) {
            return "";
        }
        int valueTypeId;
        try (Bpf bpf = new Bpf(); NativeBuffer info = new NativeBuffer(VALUE_TYPE_ID.end())) {
            StructView view = new StructView(info.view(), bpf.objInfo(map.fd(), info, info.size()));
            valueTypeId = view.has(VALUE_TYPE_ID) ? view.u32(VALUE_TYPE_ID) : 0;
        } catch (BpfException e) {
            return "";
        }
        if (valueTypeId == 0) {
            return "";
        }
        String name;
        try {
            name = KernelBtf.vmlinux(host.root()).name(valueTypeId);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            return "";
        }
        return name.startsWith(VALUE_TYPE_PREFIX) ? name.substring(VALUE_TYPE_PREFIX.length()) : name;
    }
}
