package io.ebpfexporter.testkit;

import io.ebpfexporter.core.btf.KernelBtf;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Feature probes of the running kernel, from its own BTF (the enums of link and program types it
 * knows, the members of its uapi structs, its kfuncs) and from procfs, sysfs and tracefs: a test
 * of something a kernel lacks is skipped because a probe said so, with the reason printed, and a
 * probe that says yes makes the test mandatory.
 */
public final class KernelFeatures {
    private static KernelBtf btf;

    private KernelFeatures() {
    }

    private static synchronized KernelBtf btf() {
        if (btf == null) {
            btf = KernelBtf.vmlinux();
        }
        return btf;
    }

    /** The running kernel knows {@code BPF_LINK_TYPE_<name>}. */
    public static boolean linkType(String name) {
        return btf().hasEnumValue("bpf_link_type", "BPF_LINK_TYPE_" + name);
    }

    /** The running kernel knows {@code BPF_PROG_TYPE_<name>}. */
    public static boolean progType(String name) {
        return btf().hasEnumValue("bpf_prog_type", "BPF_PROG_TYPE_" + name);
    }

    /** The running kernel's {@code struct bpf_link_info} has the member {@code member} (e.g. perf_event). */
    public static boolean linkInfo(String member) {
        return member("bpf_link_info", member);
    }

    /** The running kernel's {@code struct} has {@code member}: e.g. bpf_prog_info.verified_insns (5.16). */
    public static boolean member(String struct, String member) {
        return btf().memberOffset(struct, member).isPresent();
    }

    /** BTF objects carry names and the kernel flag, so vmlinux is listed as such (5.11). */
    public static boolean namedBtf() {
        return member("bpf_btf_info", "kernel_btf");
    }


    public static boolean kfunc(String name) {
        return btf().find(KernelBtf.KIND_FUNC, name).isPresent();
    }

    /** kprobes: the kprobe perf event source exists (CONFIG_KPROBES). */
    public static boolean kprobes() {
        return Files.exists(Path.of("/sys/bus/event_source/devices/kprobe/type"));
    }

    /** fentry, fexit and fmod_ret: ftrace may hook functions here (some platforms refuse it, EPERM). */
    public static boolean ftraceHooks() {
        try (InputStream in = Files.newInputStream(Path.of("/sys/kernel/tracing/available_filter_functions"))) {
            return in.read() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** kprobe_multi: the kernel has fprobe (CONFIG_FPROBE). */
    public static boolean fprobe() {
        try {
            return Files.readString(Path.of("/proc/kallsyms")).contains(" register_fprobe\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** BPF LSM programs: "bpf" is among the active LSMs. */
    public static boolean bpfLsm() {
        try {
            return ("," + Files.readString(Path.of("/sys/kernel/security/lsm")).trim() + ",").contains(",bpf,");
        } catch (IOException e) {
            return false;
        }
    }

    /** The reason a check of {@code what} (added in {@code since}) does not apply to this kernel. */
    public static String missing(String what, String since) {
        String reason = Kernel.LACKS + release() + " has no " + what + " (" + since + ")";
        System.out.println("skipped by probe: " + reason);
        return reason;
    }

    /** Skips the test unless {@code has}, saying what this kernel lacks. */
    public static void require(boolean has, String what, String since) {
        if (!has) {
            Assumptions.abort(missing(what, since));
        }
    }

    public static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return "(unknown release)";
        }
    }
}
