package io.ebpfexporter.collector.programs;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Holds the exporter's reference on run statistics as the mode says: never, always, or for
 * {@code duration} out of every {@code interval} (a daemon thread opens and closes the stats fd).
 */
final class StatsSwitch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StatsSwitch.class.getName());

    private final StatsMode mode;
    private ScheduledExecutorService windows;
    private RunTimeStats held;

    StatsSwitch(StatsMode mode) {
        this.mode = mode;
    }

    /** Takes the reference (enabled) or starts the windows (sample); throws if the kernel refuses. */
    synchronized void start() {
        switch (mode.kind()) {
            case DISABLED -> { }
            case ENABLED -> held = RunTimeStats.enable();
            case SAMPLE -> {
                RunTimeStats.enable().close(); // fail at start-up, not in a window, if the kernel refuses
                windows = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                        .name("ebpf-stats-sampler").factory());
                windows.scheduleAtFixedRate(this::openWindow, 0, mode.interval().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Whether this exporter holds counting on right now. */
    synchronized boolean holding() {
        return held != null;
    }

    private void openWindow() {
        synchronized (this) {
            if (windows.isShutdown() || held != null) {
                return;
            }
            try {
                held = RunTimeStats.enable();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot open a program stats window: {0}", e.getMessage());
                return;
            }
        }
        try {
            windows.schedule(this::closeWindow, mode.duration().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            closeWindow(); // shut down meanwhile
        }
    }

    private synchronized void closeWindow() {
        if (held != null) {
            held.close();
            held = null;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (windows != null) {
                windows.shutdownNow();
            }
        }
        closeWindow();
    }
}
