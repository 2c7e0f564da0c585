package io.ebpfexporter.testkit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * Names every test {@link Kernel} skipped in this module's run, with the reason and a count, in one
 * closing block: a run without root or without bpf() says plainly what it did not test.
 */
public final class KernelSkips implements TestExecutionListener {
    private final List<String> skipped = new ArrayList<>();
    private String reason = "";

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() != TestExecutionResult.Status.ABORTED) {
            return;
        }
        String why = result.getThrowable().map(Throwable::getMessage).orElse("");
        if (Kernel.isKernelSkip(why)) {
            synchronized (skipped) {
                String className = test.getUniqueIdObject().getSegments().stream()
                        .filter(s -> s.getType().equals("class")).map(s -> s.getValue().replaceAll(".*\\.", ""))
                        .findFirst().orElse("?");
                skipped.add(test.isContainer() ? className + " (every test)"
                        : className + "." + test.getLegacyReportingName().replace("()", ""));
                reason = why;
            }
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (!skipped.isEmpty()) {
            System.out.println("kernel tests skipped: " + skipped.size() + " (" + reason + "): " + String.join(", ", skipped));
        }
    }
}
