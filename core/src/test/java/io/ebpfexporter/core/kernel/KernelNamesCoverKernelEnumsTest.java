package io.ebpfexporter.core.kernel;

import io.ebpfexporter.core.btf.KernelBtf;
import io.ebpfexporter.testkit.KernelFeatures;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every value of the running kernel's program, map, attach, link and perf event type enums, read from its
 * BTF, against the exporter's name tables: in standard naming the label is the kernel's own name for that
 * value (lowercase, without its prefix, as bpftool and libbpf print it); in seed naming no two values share
 * a label (where the seed has no name, it prints the number as the seed does). A kernel with a type the
 * tables lack fails here, naming it, before a user sees a number for it.
 */
class KernelNamesCoverKernelEnumsTest {

    /** A kernel enum, the prefix its values' names share, and the exporter's label of one of its values. */
    private record KernelEnum(String name, String prefix, BiFunction<KernelNames, Integer, String> label) {
    }

    private static final List<KernelEnum> REQUIRED = List.of(
            new KernelEnum("bpf_prog_type", "BPF_PROG_TYPE_", KernelNames::progType),
            new KernelEnum("bpf_map_type", "BPF_MAP_TYPE_", KernelNames::mapType),
            new KernelEnum("bpf_attach_type", "BPF_", KernelNames::attachType),
            new KernelEnum("bpf_link_type", "BPF_LINK_TYPE_", KernelNames::linkType));

    /** Perf event links report their event's type from 6.6 on; older kernels have no such enum. */
    private static final KernelEnum PERF_EVENT_TYPES =
            new KernelEnum("bpf_perf_event_type", "BPF_PERF_EVENT_", KernelNames::perfEventType);

    @Test
    void everyTypeTheKernelHasIsNamedInBothNamings() {
        KernelFeatures.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "vmlinux BTF", "5.4");
        KernelBtf btf = KernelBtf.vmlinux();
        List<KernelEnum> enums = new ArrayList<>(REQUIRED);
        if (btf.enumValues(PERF_EVENT_TYPES.name()).isEmpty()) {
            KernelFeatures.missing("enum " + PERF_EVENT_TYPES.name(), "6.6");
        } else {
            enums.add(PERF_EVENT_TYPES);
        }
        List<String> lacking = new ArrayList<>();
        for (KernelEnum kernelEnum : enums) {
            Map<Integer, Set<String>> values = values(btf, kernelEnum);
            assertFalse(values.isEmpty(), "Linux " + KernelFeatures.release() + " has no enum " + kernelEnum.name());
            lacking.addAll(lacks(kernelEnum, values));
        }
        assertEquals(List.of(), lacking, "values of Linux " + KernelFeatures.release() + " the name tables lack");
    }

    /** The enum's names by value, without the prefix and lowercase; its __MAX_ bound is no value. */
    private static Map<Integer, Set<String>> values(KernelBtf btf, KernelEnum kernelEnum) {
        Map<Integer, Set<String>> values = new TreeMap<>();
        btf.enumValues(kernelEnum.name()).forEach((name, value) -> {
            if (!name.startsWith("__") && !name.startsWith("MAX_") && name.startsWith(kernelEnum.prefix())) {
                values.computeIfAbsent(value, v -> new TreeSet<>())
                        .add(name.substring(kernelEnum.prefix().length()).toLowerCase(Locale.ROOT));
            }
        });
        return values;
    }

    /** A line for each value whose standard label is not its kernel name or whose seed label another value has. */
    private static List<String> lacks(KernelEnum kernelEnum, Map<Integer, Set<String>> values) {
        List<String> lacking = new ArrayList<>();
        Map<String, Integer> seedLabels = new HashMap<>();
        values.forEach((value, names) -> {
            String what = kernelEnum.name() + " " + value + " " + names;
            String standard = kernelEnum.label().apply(KernelNames.STANDARD, value);
            if (!names.contains(standard)) {
                lacking.add(what + ": standard label \"" + standard + "\"");
            }
            String seed = kernelEnum.label().apply(KernelNames.SEED, value);
            Integer other = seedLabels.putIfAbsent(seed, value);
            if (seed.isEmpty() || other != null) {
                lacking.add(what + ": seed label \"" + seed + "\"" + (other != null ? ", also " + other + "'s" : ""));
            }
        });
        return lacking;
    }
}
