package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.walk.NetworkNamespaces;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the other network namespaces of the host: each is entered with setns on a platform thread made
 * for this scrape (setns moves only the calling OS thread, so never the scrape's thread nor a pooled or
 * virtual one), which ends with its work rather than going back. At most {@code max} namespaces, within
 * {@link #BUDGET}, so a host holding a hundred thousand cannot stall the scrape.
 */
final class HostNetworkNamespaces {
    /** Time allowed per scrape for listing and reading the other namespaces. */
    static final Duration BUDGET = Duration.ofSeconds(2);

    /**
     * What one scrape covered: namespaces read, refused (with the first refusal) and skipped (with why:
     * beyond the bound or the budget; a listing cut by the budget skips namespaces it never counted);
     * processes whose namespace could not be listed (with the first such refusal); a failure of the reading
     * thread itself, if any. Null texts for none.
     */
    record Outcome(int read, int refused, String refusal, int skipped, String skippedWhy, int refusedProcesses,
                   String processRefusal, String failure) {
        /** No other namespace asked for. */
        static final Outcome NONE = new Outcome(0, 0, null, 0, null, 0, null, null);

        static Outcome failed(String failure) {
            return new Outcome(0, 0, null, 0, null, 0, null, failure);
        }
    }

    private HostNetworkNamespaces() {
    }

    /**
     * Runs {@code reader} with a scan of each network namespace of the host but the caller's, entered in
     * turn on a thread of its own, and waits for it. {@code reader} runs on that thread only, one namespace
     * after the other.
     */
    static Outcome read(AttachmentScan scan, int max, Consumer<AttachmentScan> reader) {
        long own = NetworkNamespaces.current(scan.scrape().host());
        Outcome[] outcome = new Outcome[1];
        Thread worker = Thread.ofPlatform().name("attachments-netns").daemon(true).unstarted(() -> {
            try {
                outcome[0] = readAll(scan, own, max, reader);
            } catch (RuntimeException e) {
                outcome[0] = Outcome.failed(e.toString());
            }
        });
        worker.start();
        boolean interrupted = false;
        while (true) {
            try {
                worker.join(); // its families are this scrape's: it must be done before they are written
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return outcome[0] != null ? outcome[0] : Outcome.failed("its thread ended abnormally");
    }

    private static Outcome readAll(AttachmentScan scan, long own, int max, Consumer<AttachmentScan> reader) {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        NetworkNamespaces.Listing listing = NetworkNamespaces.list(scan.scrape().host(), own, deadline);
        List<NetworkNamespaces.Namespace> found = listing.namespaces();
        int read = 0;
        int refused = 0;
        int done = 0;
        String refusal = null;
        for (NetworkNamespaces.Namespace namespace : found) {
            if (read + refused >= max || System.nanoTime() > deadline) {
                break;
            }
            done++;
            try {
                if (NetworkNamespaces.enter(namespace)) {
                    try (AttachmentScan inNamespace = scan.inCurrentNamespace()) {
                        reader.accept(inNamespace);
                    }
                    read++;
                }
            } catch (NetworkNamespaces.Refused e) {
                refused++;
                refusal = refusal != null ? refusal : e.getMessage();
            }
        }
        int skipped = found.size() - done;
        String why = null;
        if (skipped > 0 && read + refused >= max) {
            why = "more than collectors.attachments.network_namespaces_max (" + max + ") namespaces: raise it to read them";
        } else if (skipped > 0 || listing.timedOut()) {
            why = "the time budget of " + BUDGET.toSeconds() + "s per scrape ran out";
        }
        return new Outcome(read, refused, refusal, skipped, why, listing.refusedProcesses(), listing.refusal(), null);
    }
}
