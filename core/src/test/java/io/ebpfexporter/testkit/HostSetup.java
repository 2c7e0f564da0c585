package io.ebpfexporter.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Host-side fixtures made with the system's own tools (ip, mount) — network namespaces, veth pairs,
 * cgroups, tracefs — each registering its undo, which {@link #close()} runs in reverse order even when
 * a test fails midway.
 */
public final class HostSetup implements AutoCloseable {
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final String tag = "eet" + ProcessHandle.current().pid();

    /** Where tools are looked for: a kernel-matrix guest's PATH lacks the sbin directories. */
    private static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bin";

    /**
     * A command to start: a bare tool name is found where {@link Kernel#requireTool} looks, and the command
     * runs with those directories on its PATH, so a tool it starts in turn ({@code nsenter … tc},
     * {@code ip netns exec … bpftool}, a shell script) is found as well.
     */
    public static ProcessBuilder command(String... command) {
        String[] resolved = command.clone();
        if (!resolved[0].contains("/")) {
            resolved[0] = Kernel.requireTool(resolved[0]);
        }
        ProcessBuilder builder = new ProcessBuilder(resolved).redirectErrorStream(true);
        builder.environment().put("PATH", PATH);
        return builder;
    }

    /** Runs {@link #command}, failing with its output when it exits non-zero. */
    public static String run(String... command) {
        try {
            ProcessBuilder builder = command(command);
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void quietly(String... command) {
        try {
            run(command);
        } catch (IllegalStateException e) {
            // already gone
        }
    }

    /** A new network namespace; returns its path under /run/netns. */
    public String netns() {
        String name = tag + "ns";
        run("ip", "netns", "add", name);
        undo.push(() -> quietly("ip", "netns", "del", name));
        return "/run/netns/" + name;
    }

    /**
     * A veth pair: {@code <tag>a} up in this namespace, its peer in {@code netnsPath}'s namespace.
     * Returns the host-side name.
     */
    public String veth(String netnsPath) {
        String host = tag + "a";
        String ns = Path.of(netnsPath).getFileName().toString();
        run("ip", "link", "add", host, "type", "veth", "peer", "name", tag + "b", "netns", ns);
        undo.push(() -> quietly("ip", "link", "del", host));
        run("ip", "link", "set", host, "up");
        return host;
    }

    public static int ifindex(String device) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", device, "ifindex")).trim());
        } catch (IOException e) {
            throw new IllegalStateException("no device " + device, e);
        }
    }

    /** A fresh cgroup v2 directory under the unified hierarchy. */
    public Path cgroup() {
        Path dir = Path.of("/sys/fs/cgroup/unified", tag + "cg");
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create cgroup " + dir + ": " + e.getMessage(), e);
        }
        undo.push(() -> {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a cgroup still in use cannot be removed; nothing more to do
            }
        });
        return dir;
    }

    /** Mounts tracefs at /sys/kernel/tracing unless it is there, and returns that path. */
    public Path tracefs() {
        Path root = Path.of("/sys/kernel/tracing");
        if (!Files.exists(root.resolve("events"))) {
            run("mount", "-t", "tracefs", "nodev", root.toString());
            undo.push(() -> quietly("umount", root.toString()));
        }
        return root;
    }

    /** A copy of a small system binary, owned by the test, for uprobes that no process will hit. */
    public Path probeTarget() {
        try {
            Path copy = Files.createTempFile(tag, ".probe");
            Files.copy(Path.of("/usr/bin/true"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            undo.push(() -> copy.toFile().delete());
            return copy;
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy a probe target: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        while (!undo.isEmpty()) {
            undo.pop().run();
        }
    }
}
