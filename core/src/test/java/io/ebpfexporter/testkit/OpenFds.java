package io.ebpfexporter.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A process's open fds, as /proc/PID/fd shows them (readlink targets such as anon_inode:bpf-map). */
public final class OpenFds {
    private OpenFds() {
    }

    /** How many of {@code pid}'s fds point at a target starting with {@code prefix}; pid "self" is this JVM. */
    public static long pointingAt(String pid, String prefix) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", pid, "fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(prefix);
                } catch (IOException e) {
                    return false; // closed while listed
                }
            }).count();
        }
    }
}
