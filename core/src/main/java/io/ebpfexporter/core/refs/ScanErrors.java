package io.ebpfexporter.core.refs;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The host scans' failures to read something, kept across scrapes: per scan, how many of its runs could
 * not read all they should (a directory or process refused, not one gone meanwhile, which is normal), and
 * the first such failure of each scan logged once, so that series missing for want of a permission are
 * named, in the log and in {@code ebpf_exporter_scan_errors_total}, rather than vanishing silently.
 */
public final class ScanErrors {
    private static final System.Logger LOG = System.getLogger(ScanErrors.class.getName());

    private final Map<String, Long> counts = new TreeMap<>();
    private final Set<String> logged = new HashSet<>();

    /** Counts a run of {@code scan} on the live host, failed if {@code problem} says what it could not read. */
    synchronized void record(String scan, Optional<String> problem) {
        counts.merge(scan, problem.isPresent() ? 1L : 0L, Long::sum);
        if (problem.isPresent() && logged.add(scan)) {
            LOG.log(System.Logger.Level.WARNING, "the {0} scan {1}; the series it would give are missing (logged once;"
                    + " each scan that cannot read everything counts in ebpf_exporter_scan_errors_total'{'scan=\"{0}\"'}')",
                    scan, problem.get());
        }
    }

    /** Per scan that has run, in name order, the runs that could not read everything. */
    public synchronized Map<String, Long> counts() {
        return new TreeMap<>(counts);
    }
}
