package io.ebpfexporter.server.scrape;

import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.iter.IteratedObjects;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectKind;
import io.ebpfexporter.core.walk.ObjectWalk;
import io.ebpfexporter.server.config.StartupException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How this process reads the kernel's objects, chosen at start-up: the bpf() listing commands, which
 * need CAP_SYS_ADMIN; else, when they answer EPERM, BPF iterators, which need only CAP_BPF and CAP_PERFMON
 * and the kernel's BTF (reduced privileges: fewer series, named in the start-up line).
 */
public record ObjectAccess(Host host, String note) {
    private static final String NEEDS = "run as root or with CAP_SYS_ADMIN, or with CAP_BPF and CAP_PERFMON"
            + " (reduced privileges: BPF iterators, Linux 5.10 or newer with BTF)";

    public static ObjectAccess choose() {
        try {
            ObjectWalk.checkPermission();
            return new ObjectAccess(Host.LIVE, "");
        } catch (BpfException e) {
            if (e.errno() != Errno.EPERM) {
                throw new StartupException("bpf() does not work here: " + e.getMessage()
                        + "; the exporter needs Linux 5.8 or newer with CONFIG_BPF_SYSCALL");
            }
        } catch (LinkageError e) {
            throw new StartupException("cannot load JNA's native code (" + e.getMessage()
                    + "); point -Djna.tmpdir at a writable directory that allows executables");
        }
        IteratedObjects iterated;
        try {
            iterated = IteratedObjects.forThisKernel();
        } catch (IllegalStateException e) {
            throw new StartupException("bpf() is not permitted (EPERM) and " + e.getMessage() + ": " + NEEDS);
        }
        iterated.check();
        Map<ObjectKind<?>, String> unavailable = iterated.unavailable();
        if (unavailable.keySet().containsAll(List.of(ObjectKind.PROGRAMS, ObjectKind.MAPS, ObjectKind.LINKS))) {
            throw new StartupException("bpf() is not permitted (EPERM) and the BPF iterators are refused ("
                    + unavailable.get(ObjectKind.PROGRAMS) + "): " + NEEDS);
        }
        return new ObjectAccess(Host.live(iterated), note(unavailable, iterated.missingMembers()));
    }

    /** The start-up line's account of what reduced privileges leave out, and why. */
    private static String note(Map<ObjectKind<?>, String> unavailable, Map<ObjectKind<?>, List<String>> missing) {
        List<String> absent = new ArrayList<>(List.of("program run statistics (per-CPU, beyond an iterator's reach)",
                "map memlock (only fdinfo has it)", "link details (in per-type structs)",
                "map entry counts other than the kernel's own (no map fds)", "full names (need program fds)"));
        unavailable.forEach((kind, why) -> absent.add((kind == ObjectKind.BTFS ? "BTF objects" : kind + "s") + " (" + why + ")"));
        missing.forEach((kind, members) -> absent.add(kind + " members this kernel lacks: " + String.join(", ", members)));
        return "reduced privileges (bpf() listing refused without CAP_SYS_ADMIN): programs, maps and links read by"
                + " BPF iterators; absent: " + String.join("; ", absent);
    }
}
