package io.ebpfexporter.testkit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Names every test the kernel gates ({@link Kernel}, {@link KernelFeatures}) skipped in this module's
 * run, in one closing block: how many, then the tests under each reason. A run without root, without
 * bpf() or on a kernel that lacks a feature says plainly what it did not test.
 */
public final class KernelSkips implements TestExecutionListener {
    private final Map<String, List<String>> byReason = new TreeMap<>();

    @Override
    public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() != TestExecutionResult.Status.ABORTED) {
            return;
        }
        String why = result.getThrowable().map(Throwable::getMessage).orElse("");
        if (Kernel.isKernelSkip(why)) {
            String className = test.getUniqueIdObject().getSegments().stream()
                    .filter(s -> s.getType().equals("class")).map(s -> s.getValue().replaceAll(".*\\.", ""))
                    .findFirst().orElse("?");
            byReason.computeIfAbsent(why, r -> new ArrayList<>()).add(test.isContainer() ? className + " (every test)"
                    : className + "." + test.getLegacyReportingName().replace("()", ""));
        }
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan plan) {
        if (!byReason.isEmpty()) {
            System.out.println("kernel tests skipped: " + byReason.values().stream().mapToInt(List::size).sum());
            byReason.forEach((why, tests) -> System.out.println("  " + why + ": " + String.join(", ", tests)));
        }
    }
}
