package io.ebpfexporter.testkit;

import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.walk.ObjectWalk;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need a working bpf(): they skip where the kernel refuses it, unless
 * EBPF_EXPORTER_REQUIRE_KERNEL=1 (CI sets it), where they fail instead of silently skipping.
 */
public final class Kernel {
    private Kernel() {
    }

    /** The prefixes of this gate's skip reasons, by which {@link KernelSkips} counts them. */
    private static final String BPF_REFUSED = "bpf() is refused here: ";
    private static final String JNA_MISSING = "JNA cannot load: ";
    private static final String TOOL_MISSING = " is not installed (apt-get install -y ";
    /** The prefix of {@link KernelFeatures}' skips: "Linux 6.1.0-57-amd64 has no ...". */
    static final String LACKS = "Linux ";

    static boolean isKernelSkip(String reason) {
        return reason != null && (reason.startsWith(BPF_REFUSED) || reason.startsWith(JNA_MISSING)
                || reason.contains(TOOL_MISSING) || reason.startsWith(LACKS));
    }

    public static boolean required() {
        return "1".equals(System.getenv("EBPF_EXPORTER_REQUIRE_KERNEL"));
    }

    public static void requireBpf() {
        String problem;
        try {
            ObjectWalk.checkPermission();
            return;
        } catch (BpfException e) {
            problem = BPF_REFUSED + e.getMessage();
        } catch (LinkageError e) {
            problem = JNA_MISSING + e;
        }
        if (required()) {
            Assertions.fail(problem + " (EBPF_EXPORTER_REQUIRE_KERNEL=1 forbids skipping)");
        }
        Assumptions.abort(problem);
    }

    /** The fds this process holds now. */
    public static int openFds() {
        return new java.io.File("/proc/self/fd").list().length;
    }

    /** Like {@link #requireBpf()}, for an external tool such as bpftool or promtool. */
    public static String requireTool(String name) {
        for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"}) {
            if (new java.io.File(dir, name).canExecute()) {
                return dir + "/" + name;
            }
        }
        String problem = name + TOOL_MISSING + ("promtool".equals(name) ? "prometheus" : name) + ")";
        if (required()) {
            Assertions.fail(problem + " (EBPF_EXPORTER_REQUIRE_KERNEL=1 forbids skipping)");
        }
        Assumptions.abort(problem);
        return null;
    }
}
