package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.NetworkNamespaces;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.Libc;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.OpenFds;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interfaces in network namespaces other than the test's own, one named in /run/netns and one held only
 * by a process, each with an XDP program in generic mode and tc clsact filters: with
 * {@code network_namespaces: all} the collector reports them under that namespace's inode, exactly as
 * bpftool run inside the namespace lists them; with the default it does not; without CAP_SYS_ADMIN and
 * CAP_SYS_PTRACE it reports the refusal, once, and still the test's own namespace.
 */
class NetworkNamespacesTest {
    private static final String FAMILY = "ebpf_program_netdev_attachment_info";
    private static final String PIN_DIR = "/sys/fs/bpf";

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<String> pins = new ArrayList<>();

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
        for (String tool : new String[] {"ip", "tc", "bpftool", "unshare", "nsenter", "setpriv"}) {
            Kernel.requireTool(tool);
        }
    }

    @BeforeEach
    void captureLog() {
        Logger.getLogger(AttachmentsCollector.class.getName()).addHandler(capture);
    }

    @AfterEach
    void cleanUp() {
        Logger.getLogger(AttachmentsCollector.class.getName()).removeHandler(capture);
        pins.forEach(p -> Path.of(p).toFile().delete());
    }

    private static AttachmentsCollector collector(String namespaces, int max) {
        AttachmentsCollector c = new AttachmentsCollector();
        c.configure(new MapSettings("attachments", Map.of("network_namespaces", namespaces,
                "network_namespaces_max", Integer.toString(max)), Naming.STANDARD));
        return c;
    }

    private static long inode(String path) throws IOException {
        return (Long) Files.getAttribute(Path.of(path), "unix:ino");
    }

    /** An XDP program in generic mode and an ingress and an egress tc filter, each pinned for ip and tc. */
    private record Programs(Fixtures.Made xdp, Fixtures.Made ingress, Fixtures.Made egress, String xdpPin,
                            String ingressPin, String egressPin) {
    }

    private Programs programs(Fixtures fx, String tag) {
        var xdp = fx.program(Fixtures.PROG_XDP, tag + "_xdp", 0, 2);
        var ingress = fx.program(Fixtures.PROG_SCHED_CLS, tag + "_in", 0, 0);
        var egress = fx.program(Fixtures.PROG_SCHED_CLS, tag + "_out", 0, 0);
        return new Programs(xdp, ingress, egress, pin(fx, xdp, tag + "_xdp"), pin(fx, ingress, tag + "_in"),
                pin(fx, egress, tag + "_out"));
    }

    private String pin(Fixtures fx, Fixtures.Made program, String name) {
        String path = PIN_DIR + "/" + name + ProcessHandle.current().pid();
        fx.pin(program, path);
        pins.add(path);
        return path;
    }

    /** The commands that attach {@code p} to {@code device} of the namespace they run in. */
    private static List<List<String>> attach(Programs p, String device) {
        return List.of(List.of("ip", "link", "set", "dev", device, "xdpgeneric", "pinned", p.xdpPin()),
                List.of("tc", "qdisc", "add", "dev", device, "clsact"),
                List.of("tc", "filter", "add", "dev", device, "ingress", "pref", "7", "handle", "0x5", "bpf",
                        "object-pinned", p.ingressPin(), "direct-action"),
                List.of("tc", "filter", "add", "dev", device, "egress", "pref", "9", "handle", "0x3", "bpf",
                        "object-pinned", p.egressPin(), "direct-action"));
    }

    /** The three series {@code p} attached to {@code device} (index {@code ifindex}) make in namespace {@code ino}. */
    private static List<String> expected(Programs p, long ino, int ifindex, String device) {
        return List.of(line(p.xdp().id(), ino, ifindex, device, "xdp", "generic", "", ""),
                line(p.ingress().id(), ino, ifindex, device, "tc_ingress", "", "7", "0x5"),
                line(p.egress().id(), ino, ifindex, device, "tc_egress", "", "9", "0x3"));
    }

    private static String line(int progId, long ino, int ifindex, String device, String hook, String mode,
                               String priority, String handle) {
        Map<String, String> labels = new TreeMap<>(Map.of("prog_id", Integer.toString(progId),
                "netns_ino", Long.toString(ino), "interface_index", Integer.toString(ifindex),
                "interface_name", device, "hook", hook, "mode", mode, "priority", priority, "handle", handle,
                "link_id", ""));
        labels.put("parent", "");
        labels.put("chain", hook.startsWith("tc") ? "0" : "");
        StringBuilder out = new StringBuilder(FAMILY).append('{');
        labels.forEach((k, v) -> out.append(k).append("=\"").append(v).append("\","));
        out.setLength(out.length() - 1);
        return out.append("} 1").toString();
    }

    /** The interface series of namespace {@code ino}, in the order written. */
    private static List<String> seriesIn(String metrics, long ino) {
        return metrics.lines().filter(l -> l.startsWith(FAMILY + "{") && l.contains("netns_ino=\"" + ino + "\""))
                .toList();
    }

    /**
     * What {@code bpftool -j net}, run in the namespace by {@code prefix}, lists there, as each series' program,
     * interface, hook and XDP mode; bpftool does not print tc's priority and handle.
     */
    private static List<String> bpftoolNet(List<String> prefix) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("bpftool", "-j", "net"));
        String json = HostSetup.run(command.toArray(String[]::new));
        List<String> out = new ArrayList<>();
        Matcher xdp = Pattern.compile("\\{\"devname\":\"([^\"]+)\",\"ifindex\":(\\d+),\"mode\":\"(\\w+)\",\"id\":(\\d+)")
                .matcher(json);
        while (xdp.find()) {
            out.add(xdp.group(4) + " " + xdp.group(1) + " " + xdp.group(2) + " xdp " + xdp.group(3));
        }
        Matcher tc = Pattern.compile("\\{\"devname\":\"([^\"]+)\",\"ifindex\":(\\d+),\"kind\":\"clsact/(ingress|egress)\""
                + ",\"name\":\"[^\"]*\",\"id\":(\\d+)").matcher(json);
        while (tc.find()) {
            out.add(tc.group(4) + " " + tc.group(1) + " " + tc.group(2) + " tc_" + tc.group(3) + " ");
        }
        return out.stream().sorted().toList();
    }

    /** The same fields of each series, as {@link #bpftoolNet} writes them. */
    private static List<String> asBpftool(List<String> series) {
        return series.stream().map(l -> label(l, "prog_id") + " " + label(l, "interface_name") + " "
                + label(l, "interface_index") + " " + label(l, "hook") + " " + label(l, "mode")).sorted().toList();
    }

    private static String label(String line, String name) {
        Matcher m = Pattern.compile("[{,]" + name + "=\"([^\"]*)\"").matcher(line);
        return m.find() ? m.group(1) : null;
    }

    private static String namespacesLine(String outcome, int count) {
        return "ebpf_exporter_attachment_network_namespaces{outcome=\"" + outcome + "\"} " + count + ".0";
    }

    private static int namespaces(String metrics, String outcome) {
        Matcher m = Pattern.compile("(?m)^ebpf_exporter_attachment_network_namespaces\\{outcome=\"" + outcome
                + "\"} (\\S+)$").matcher(metrics);
        assertTrue(m.find(), outcome + " in\n" + metrics);
        return (int) Double.parseDouble(m.group(1));
    }

    /**
     * Runs {@code commands} in the network namespace mounted at {@code path} through nsenter, which keeps the
     * mounts (ip -n and ip netns exec mount a sysfs of their own, hiding the pins in /sys/fs/bpf).
     */
    private static void runIn(String path, List<List<String>> commands) {
        for (List<String> command : commands) {
            List<String> inNamespace = new ArrayList<>(List.of("nsenter", "--net=" + path));
            inNamespace.addAll(command);
            HostSetup.run(inNamespace.toArray(String[]::new));
        }
    }

    /** {@code device}'s index in the namespace {@code prefix} runs a command in. */
    private static int ifindexIn(List<String> prefix, String device) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("ip", "-j", "link", "show", "dev", device)); // sysfs would show the mount's namespace
        Matcher m = Pattern.compile("\"ifindex\":(\\d+)").matcher(HostSetup.run(command.toArray(String[]::new)));
        assertTrue(m.find(), device);
        return Integer.parseInt(m.group(1));
    }

    private static List<String> socketsAndNamespaces() throws IOException {
        return OpenFds.targets("self").stream().filter(t -> t.startsWith("socket:") || t.startsWith("net:")).toList();
    }

    @Test
    void aNamedNamespaceIsReadWithItsInodeOnlyWhenAllAreAsked() throws Exception {
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            String path = host.netns();
            String name = Path.of(path).getFileName().toString();
            String hostSide = host.veth(path);
            String device = hostSide.substring(0, hostSide.length() - 1) + "b";
            runIn(path, List.of(List.of("ip", "link", "set", device, "up")));
            Programs p = programs(fx, "ns_named");
            runIn(path, attach(p, device));
            long ino = inode(path);
            long own = inode("/proc/thread-self/ns/net");
            List<String> before = socketsAndNamespaces();

            String all = Scrapes.text(collector("all", 1000));
            List<String> series = seriesIn(all, ino);
            assertEquals(expected(p, ino, ifindexIn(List.of("ip", "netns", "exec", name), device), device).stream().sorted().toList(),
                    series.stream().sorted().toList(), all);
            assertEquals(bpftoolNet(List.of("ip", "netns", "exec", name)), asBpftool(series), all);
            assertTrue(namespaces(all, "read") >= 2, all);
            assertEquals(before, socketsAndNamespaces(), "every socket and namespace fd is closed");
            assertEquals(own, inode("/proc/thread-self/ns/net"), "the scrape's thread stays in its namespace");
            assertTrue(seriesIn(all, own).stream().noneMatch(l -> l.contains("interface_name=\"" + device + "\"")), all);

            String ownOnly = Scrapes.text(collector("own", 1000));
            assertEquals(List.of(), seriesIn(ownOnly, ino), ownOnly);
            assertTrue(ownOnly.contains(namespacesLine("read", 1) + "\n"), ownOnly);
            assertTrue(ownOnly.contains(namespacesLine("skipped", 0) + "\n"), ownOnly);
        }
    }

    /** A process that unshares its network namespace, runs {@code commands} there, and sleeps until destroyed. */
    private static Process namespaceHolder(List<List<String>> commands) throws IOException {
        return namespaceHolder(commands, "exec sleep 600");
    }

    /** As {@link #namespaceHolder(List)}, ending with {@code sleep} (a command that sleeps until destroyed). */
    private static Process namespaceHolder(List<List<String>> commands, String sleep) throws IOException {
        StringBuilder script = new StringBuilder("set -e\n");
        for (List<String> command : commands) {
            script.append(String.join(" ", command.stream().map(a -> "'" + a + "'").toList())).append('\n');
        }
        script.append("echo ready\n").append(sleep).append('\n');
        Process holder = HostSetup.command("unshare", "-n", "sh", "-c", script.toString()).start();
        String first = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"ready".equals(first)) {
            holder.destroyForcibly();
            throw new IllegalStateException("the namespace holder failed: " + first);
        }
        return holder;
    }

    /** Waits until {@code process} runs as {@code uid} (its script has reached setpriv's exec). */
    private static void awaitUid(Process process, int uid) throws IOException, InterruptedException {
        Path status = Path.of("/proc/" + process.pid() + "/status");
        for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(10)) {
            if (!process.isAlive() || Files.readAllLines(status).contains("Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid)) {
                break;
            }
        }
        assertTrue(process.isAlive() && Files.readString(status).contains("Uid:\t" + uid + "\t"),
                "the holder runs as uid " + uid + ": " + (process.isAlive() ? Files.readString(status)
                        : new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)));
    }

    private static void end(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private static String tag() {
        return "eet" + ProcessHandle.current().pid();
    }

    @Test
    void aNamespaceOnlyAProcessHoldsIsReadAndTheBoundSkipsTheRest() throws Exception {
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            host.netns(); // a second namespace besides the process's, for the bound to skip
            Programs p = programs(fx, "ns_held");
            String device = tag() + "d";
            List<List<String>> commands = new ArrayList<>(List.of(List.of("ip", "link", "add", device, "type", "veth",
                    "peer", "name", tag() + "e"), List.of("ip", "link", "set", device, "up")));
            commands.addAll(attach(p, device));
            Process holder = namespaceHolder(commands);
            try {
                long ino = inode("/proc/" + holder.pid() + "/ns/net");
                List<String> nsenter = List.of(Kernel.requireTool("nsenter"), "-t", Long.toString(holder.pid()), "-n");
                int ifindex = ifindexIn(nsenter, device);

                String all = Scrapes.text(collector("all", 1000));
                List<String> series = seriesIn(all, ino);
                assertEquals(expected(p, ino, ifindex, device).stream().sorted().toList(),
                        series.stream().sorted().toList(), all);
                assertEquals(bpftoolNet(nsenter), asBpftool(series), all);
                assertFalse(logged.stream().anyMatch(m -> m.contains("setns")), logged.toString());

                // the test's two namespaces at least, with whatever else the host holds meanwhile
                AttachmentsCollector bounded = collector("all", 1);
                String one = Scrapes.text(bounded);
                assertEquals(2, namespaces(one, "read"), one);
                assertTrue(namespaces(one, "skipped") >= 1, one);
                assertEquals(1, logged.stream().filter(m -> m.contains("network_namespaces_max (1)")).count(), logged.toString());
                Scrapes.text(bounded);
                assertEquals(1, logged.stream().filter(m -> m.contains("network_namespaces_max (1)")).count(),
                        "logged when it starts, not every scrape: " + logged);
            } finally {
                end(holder);
            }
        }
    }

    /** The listed namespace whose inode is {@code inode}. */
    private static NetworkNamespaces.Namespace listed(NetworkNamespaces.Listing listing, long inode) {
        return listing.namespaces().stream().filter(n -> n.inode() == inode).findFirst()
                .orElseThrow(() -> new AssertionError("namespace " + inode + " not listed: " + listing));
    }

    @Test
    void namespacesGoneBetweenListingAndEntryAreSkippedAndEachIsListedOnce() throws Exception {
        HostSetup host = new HostSetup();
        Process holder = namespaceHolder(List.of());
        try {
            String path = host.netns();
            long named = inode(path);
            long held = inode("/proc/" + holder.pid() + "/ns/net");
            long own = inode("/proc/thread-self/ns/net");
            NetworkNamespaces.Listing listing = NetworkNamespaces.list(Host.LIVE, own, Long.MAX_VALUE);
            List<Long> inodes = listing.namespaces().stream().map(NetworkNamespaces.Namespace::inode).toList();
            assertEquals(inodes.stream().distinct().count(), inodes.size(), "each namespace once: " + inodes);
            assertFalse(inodes.contains(own), "the caller's own is left out");
            NetworkNamespaces.Namespace mounted = listed(listing, named);
            NetworkNamespaces.Namespace ofProcess = listed(listing, held);
            List<String> before = socketsAndNamespaces();

            host.close();
            end(holder);
            // on a thread of its own: were it entered, the test's thread would stay in the namespace
            assertEquals(List.of(false, false), onOwnThread(new int[0], () -> List.of(NetworkNamespaces.enter(mounted),
                    NetworkNamespaces.enter(ofProcess))));
            assertEquals(before, socketsAndNamespaces(), "no fd left open");
        } finally {
            end(holder);
            host.close();
        }
    }

    /**
     * Runs {@code task} on a thread of its own, its effective capabilities without {@code drop}
     * (capabilities belong to each thread, and threads it starts inherit them); the rest of the test JVM keeps its own.
     */
    private static <T> T onOwnThread(int[] drop, Callable<T> task) throws Exception {
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        Thread thread = Thread.ofPlatform().unstarted(() -> {
            try {
                Libc.dropEffective(drop);
                result[0] = task.call();
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        thread.start();
        thread.join();
        if (failure[0] != null) {
            throw failure[0];
        }
        @SuppressWarnings("unchecked")
        T out = (T) result[0];
        return out;
    }

    @Test
    void withoutCapSysAdminAndCapSysPtraceOtherNamespacesAreRefusedNamedOnceAndTheOwnStays() throws Exception {
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            String path = host.netns();
            String hostSide = host.veth(path);
            Programs p = programs(fx, "ns_reduced");
            String name = Path.of(path).getFileName().toString();
            String device = hostSide.substring(0, hostSide.length() - 1) + "b";
            runIn(path, attach(p, device));
            HostSetup.run("tc", "qdisc", "add", "dev", hostSide, "clsact");
            HostSetup.run("tc", "filter", "add", "dev", hostSide, "ingress", "pref", "7", "handle", "0x5", "bpf",
                    "object-pinned", p.ingressPin(), "direct-action");
            // held by another user's process: its /proc/PID/ns/net takes ptrace access, so CAP_SYS_PTRACE
            Process holder = namespaceHolder(List.of(), "exec setpriv --reuid=65534 --regid=65534 --clear-groups sleep 600");
            awaitUid(holder, 65534);
            try {
                long named = inode(path);
                long held = inode("/proc/" + holder.pid() + "/ns/net");
                long own = inode("/proc/thread-self/ns/net");
                AttachmentsCollector collector = collector("all", 1000);
                int[] drop = {Libc.CAP_SYS_ADMIN, Libc.CAP_SYS_PTRACE};
                String reduced = onOwnThread(drop, () -> Scrapes.text(collector));

                assertEquals(List.of(), seriesIn(reduced, named), reduced);
                assertEquals(List.of(), seriesIn(reduced, held), reduced);
                assertTrue(reduced.contains(line(p.ingress().id(), own, HostSetup.ifindex(hostSide), hostSide, "tc_ingress",
                        "", "7", "0x5") + "\n"), "the own namespace is read as without the setting:\n" + reduced);
                assertTrue(namespaces(reduced, "refused") >= 1, reduced);
                assertTrue(reduced.contains("ebpf_exporter_attachment_network_namespace_processes_refused "), reduced);
                assertEquals(1, logged.stream().filter(m -> m.contains("setns") && m.contains("CAP_SYS_ADMIN")).count(),
                        logged.toString());
                int causes = 1;
                // whether this kernel asks ptrace access of such a thread for another user's namespace file
                boolean guarded = onOwnThread(drop, () -> {
                    try {
                        Files.getAttribute(Path.of("/proc/" + holder.pid() + "/ns/net"), "unix:ino");
                        return false;
                    } catch (IOException e) {
                        return true;
                    }
                });
                if (guarded) {
                    assertFalse(reduced.contains("ebpf_exporter_attachment_network_namespace_processes_refused 0.0"), reduced);
                    assertEquals(1, logged.stream().filter(m -> m.contains("CAP_SYS_PTRACE") && m.contains("processes"))
                            .count(), logged.toString());
                    causes++;
                } else {
                    KernelFeatures.missing("ptrace access checked on another user's /proc/PID/ns/net for a thread without"
                            + " CAP_SYS_PTRACE; the namespace is found and its setns refused", "after 5.10");
                }

                onOwnThread(drop, () -> Scrapes.text(collector));
                assertEquals(causes, logged.stream().filter(m -> m.contains("network namespaces")).count(),
                        "named once, not every scrape: " + logged);
            } finally {
                end(holder);
            }
        }
    }
}
