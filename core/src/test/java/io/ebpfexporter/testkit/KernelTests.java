package io.ebpfexporter.testkit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kernel matrix's test entry point (.ci/kernel-guest.sh): runs the named test classes, methods
 * (Class#method) or packages (name.*) without Maven, prints one line per test, and writes one summary line to the file given
 * first: "Linux RELEASE: N passed, N failed, N skipped", then the skip reasons with their counts.
 * Exit code 1 when a test failed.
 */
public final class KernelTests {
    private KernelTests() {
    }

    public static void main(String[] args) throws IOException {
        Path summary = Path.of(args[0]);
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (int i = 1; i < args.length; i++) {
            request.selectors(args[i].endsWith(".*") ? DiscoverySelectors.selectPackage(args[i].substring(0, args[i].length() - 2))
                    : args[i].contains("#") ? DiscoverySelectors.selectMethod(args[i]) : DiscoverySelectors.selectClass(args[i]));
        }
        Tally tally = new Tally();
        Launcher launcher = LauncherFactory.create();
        LauncherDiscoveryRequest discovery = request.build();
        launcher.execute(discovery, tally);
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        StringBuilder line = new StringBuilder("Linux " + release + ": " + tally.passed + " passed, " + tally.failed.size()
                + " failed, " + tally.skipped + " skipped");
        tally.reasons.forEach((reason, count) -> line.append("; skipped ").append(count).append(": ").append(reason));
        if (!tally.failed.isEmpty()) {
            line.append("; failed: ").append(String.join(", ", tally.failed));
        }
        Files.writeString(summary, line + "\n");
        System.out.println(line);
        System.exit(tally.failed.isEmpty() ? 0 : 1);
    }

    private static final class Tally implements TestExecutionListener {
        int passed;
        int skipped;
        final List<String> failed = new ArrayList<>();
        final Map<String, Integer> reasons = new TreeMap<>();

        @Override
        public synchronized void executionSkipped(TestIdentifier test, String reason) {
            if (test.isTest()) {
                skipped++;
                reasons.merge(reason, 1, Integer::sum);
            }
        }

        @Override
        public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
            String name = test.getLegacyReportingName();
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    if (test.isTest()) {
                        passed++;
                        System.out.println("pass " + name);
                    }
                }
                case ABORTED -> {
                    skipped++;
                    String why = result.getThrowable().map(Throwable::getMessage).orElse("aborted");
                    reasons.merge(why, 1, Integer::sum);
                    System.out.println("skip " + name + ": " + why);
                }
                case FAILED -> {
                    failed.add(name);
                    System.out.println("FAIL " + name + ": " + result.getThrowable().map(Throwable::toString).orElse(""));
                    result.getThrowable().ifPresent(t -> t.printStackTrace(System.out));
                }
            }
        }
    }
}
