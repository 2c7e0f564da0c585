package io.ebpfexporter.core.walk;

import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.sys.Directory;
import io.ebpfexporter.core.sys.Namespaces;
import io.ebpfexporter.core.sys.Syscall;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

    /**
     * What is in directory {@code absolute} (e.g. {@code /sys/class/net}) under this host's root: at most
     * {@code max} entries, each with the first {@code fileBytes} bytes of its file {@code file} (e.g.
     * {@code ifindex}), names and contents as the kernel's bytes, never decoded by the locale. An entry
     * without that file, or gone meanwhile, is left out; a directory that cannot be read has none.
     */
    public List<Entry> entries(String absolute, int max, String file, int fileBytes) {
        byte[] directory = path(absolute.getBytes(StandardCharsets.UTF_8));
        byte[] below = ("/" + file).getBytes(StandardCharsets.US_ASCII);
        List<Entry> entries = new ArrayList<>();
        try (Directory listed = Directory.open(Directory.CWD, directory)) {
            for (Directory.Entry entry : listed.entries(max)) {
                byte[] relative = Arrays.copyOf(entry.name(), entry.name().length + below.length);
                System.arraycopy(below, 0, relative, entry.name().length, below.length);
                try {
                    entries.add(new Entry(entry.name(), listed.read(relative, fileBytes)));
                } catch (Directory.Failure e) {
                    // not a device with that file, or removed while listed
                }
            }
        } catch (Directory.Failure e) {
            // no such directory here (a recording without it): no entries
        }
        return entries;
    }

    /** An absolute path of this host given as bytes (a mount point, say), under this host's root, as bytes. */
    public byte[] path(byte[] absolute) {
        // the root is a Path the JVM decoded with sun.jnu.encoding: encoding it back gives its bytes
        byte[] top = root.toString().getBytes(Charset.forName(System.getProperty("sun.jnu.encoding")));
        int slash = top.length > 0 && top[top.length - 1] == '/' ? 1 : 0;
        byte[] joined = Arrays.copyOf(top, top.length - slash + absolute.length);
        System.arraycopy(absolute, 0, joined, top.length - slash, absolute.length);
        return joined;
    }

    /**
     * An fd of the namespace file {@code absolute} under this host's root, read-only, for a call that
     * takes its target as an fd (a network namespace to query); the caller closes it. Throws, naming the
     * errno, when it cannot be opened.
     */
    public int open(String absolute) {
        int fd = Namespaces.open(Directory.CWD, path(absolute.getBytes(StandardCharsets.UTF_8)));
        if (fd < 0) {
            throw new IllegalStateException("open " + absolute + ": " + Errno.name(Syscall.errno()));
        }
        return fd;
    }

    /** A directory entry's name and the contents of the file read below it, as bytes. */
    public record Entry(byte[] name, byte[] contents) {
    }
}
