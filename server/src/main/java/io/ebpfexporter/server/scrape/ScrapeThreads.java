package io.ebpfexporter.server.scrape;

/**
 * How many threads scrapes use, decided once from the CPUs this process may run on. Reading objects is
 * syscalls, which scale with the CPUs, so a walk reads on one thread per CPU; collector runs of all
 * concurrent scrapes share one permit per CPU, since more walks than CPUs only contend and a walk
 * descheduled while it holds an object's fd keeps that object alive in the kernel.
 */
public record ScrapeThreads(int cpus) {
    public static final ScrapeThreads HOST = new ScrapeThreads(Runtime.getRuntime().availableProcessors());

    /** Collector runs that may walk at once, across every concurrent scrape. */
    int concurrentWalks() {
        return Math.max(2, cpus);
    }

    /** Threads one walk reads objects on. */
    int readersPerWalk() {
        return cpus;
    }
}
