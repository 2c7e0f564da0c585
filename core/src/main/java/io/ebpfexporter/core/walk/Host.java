package io.ebpfexporter.core.walk;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What a scrape reads besides bpf(): the objects, the files under {@code /proc} and {@code /sys}
 * (found under {@code root}) and the wall clock. {@link #LIVE} is this machine; tests replay a
 * recorded one.
 */
public record Host(ObjectSource objects, Path root, Clock clock) {
    public static final Host LIVE = new Host(ObjectSource.KERNEL, Path.of("/"), Clock.systemUTC());

    /** This machine, its objects read from {@code objects} (the kernel's fds, or iterators). */
    public static Host live(ObjectSource objects) {
        return new Host(objects, LIVE.root, LIVE.clock);
    }

    /** Whether this is the running machine rather than a recording of one. */
    public boolean isLive() {
        return root.equals(LIVE.root) && clock.equals(LIVE.clock);
    }

    /** An absolute path such as {@code /proc/uptime}, under this host's root. */
    public Path path(String absolute) {
        return root.resolve(absolute.substring(1));
    }
}
