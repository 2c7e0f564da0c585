package io.ebpfexporter.core.kernel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the running kernel turned out not to offer (an info struct without a field, a kfunc it lacks),
 * each logged once when found, and named in the exporter's start-up line when found by then.
 */
public final class KernelLimits {
    private static final System.Logger LOG = System.getLogger(KernelLimits.class.getName());
    private static final CopyOnWriteArrayList<String> FOUND = new CopyOnWriteArrayList<>();

    private KernelLimits() {
    }

    /** Records and logs one limitation, e.g. "btf info without names (bpf_btf_info.name, Linux 5.11)". */
    public static void found(String limitation) {
        if (FOUND.addIfAbsent(limitation)) {
            LOG.log(System.Logger.Level.WARNING, "kernel limitation: {0}", limitation);
        }
    }

    /** Every limitation found so far, in the order found. */
    public static List<String> found() {
        return List.copyOf(FOUND);
    }
}
