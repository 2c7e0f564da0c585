package io.ebpfexporter.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A process's open fds, as /proc/PID/fd shows them (readlink targets such as anon_inode:bpf-map). */
public final class OpenFds {
    private OpenFds() {
    }

    /** What each of {@code pid}'s fds points at, sorted; pid "self" is this JVM. */
    public static List<String> targets(String pid) throws IOException {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", pid, "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed while listed
                }
            }
        }
        targets.sort(null);
        return targets;
    }

    /** Whether a process other than this one holds an fd pointing at {@code target}, e.g. anon_inode:bpf-stats. */
    public static boolean heldElsewhere(String target) throws IOException {
        String self = Long.toString(ProcessHandle.current().pid());
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                String pid = proc.getFileName().toString();
                if (pid.chars().allMatch(Character::isDigit) && !pid.equals(self)) {
                    try {
                        if (targets(pid).contains(target)) {
                            return true;
                        }
                    } catch (IOException e) {
                        // exited while listed
                    }
                }
            }
        }
        return false;
    }

    /** How many of {@code pid}'s fds point at a target starting with {@code prefix}. */
    public static long pointingAt(String pid, String prefix) throws IOException {
        return targets(pid).stream().filter(target -> target.startsWith(prefix)).count();
    }
}
