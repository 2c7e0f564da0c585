package io.ebpfexporter.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attachments bpftool lists ({@code bpftool -j net}, {@code cgroup tree}, {@code perf}), each as the
 * family and the labels of the series the attachments collector has for it: the program and the target
 * bpftool names (interface and namespace, hook, XDP mode; cgroup, attach type and flags; process, fd, probe).
 */
public final class BpftoolAttachments {
    public static final String NETDEV = "ebpf_program_netdev_attachment_info";
    public static final String NETNS = "ebpf_program_netns_attachment_info";
    public static final String CGROUP = "ebpf_program_cgroup_attachment_info";
    public static final String PERF_EVENT = "ebpf_program_perf_event_attachment_info";
    private static final Pattern XDP = Pattern.compile(
            "\\{\"devname\":\"([^\"]+)\",\"ifindex\":(\\d+),\"mode\":\"(\\w+)\",\"id\":(\\d+)");
    private static final Pattern TC = Pattern.compile(
            "\\{\"devname\":\"([^\"]+)\",\"ifindex\":(\\d+),\"kind\":\"([^\"]+)\",\"name\":\"[^\"]*\",\"id\":(\\d+)");
    private static final Pattern FLOW_DISSECTORS = Pattern.compile("\"flow_dissector\":\\[(.*?)]");
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern CGROUP_PROGRAMS = Pattern.compile("\\{\"cgroup\":\"([^\"]+)\",\"programs\":\\[(.*?)]}");
    private static final Pattern CGROUP_PROGRAM = Pattern.compile(
            "\\{\"id\":(\\d+),\"attach_type\":\"(\\w+)\"(,\"attach_flags\":\"(\\w*)\")?");

    /** One attachment bpftool listed: the family of its series and the labels bpftool says something of. */
    public record Listed(String family, Map<String, String> labels) {
        /** Whether some series of {@link #family} in {@code metrics} carries every one of {@link #labels}. */
        public boolean in(String metrics) {
            return metrics.lines().filter(l -> l.startsWith(family + "{")).anyMatch(l -> labels.entrySet().stream()
                    .allMatch(e -> l.contains(e.getKey() + "=\"" + e.getValue() + "\"")));
        }

        public void assertIn(String metrics, String listing) {
            assertTrue(in(metrics), this + " of bpftool's " + listing + " in\n" + metrics);
        }
    }

    private BpftoolAttachments() {
    }

    /**
     * What {@code bpftool -j net} lists of {@code device} (null: of every interface), run after {@code prefix}
     * (a command that enters a network namespace, such as {@code nsenter --net=PATH}; empty for this one),
     * whose inode is {@code netnsIno}: XDP programs with their mode, tc filters (on clsact with their hook;
     * bpftool lists a filter on another qdisc under each kind it asks, so those carry no hook) and, for every
     * interface, the namespace's flow dissector.
     */
    public static List<Listed> net(List<String> prefix, String netnsIno, String device) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("bpftool", "-j", "net"));
        if (device != null) {
            command.addAll(List.of("show", "dev", device));
        }
        String json = HostSetup.run(command.toArray(String[]::new));
        List<Listed> out = new ArrayList<>();
        for (Matcher xdp = XDP.matcher(json); xdp.find(); ) {
            out.add(new Listed(NETDEV, labels("prog_id", xdp.group(4), "interface_name", xdp.group(1),
                    "interface_index", xdp.group(2), "netns_ino", netnsIno, "hook", "xdp", "mode", xdp.group(3))));
        }
        for (Matcher tc = TC.matcher(json); tc.find(); ) {
            Map<String, String> labels = labels("prog_id", tc.group(4), "interface_name", tc.group(1),
                    "interface_index", tc.group(2), "netns_ino", netnsIno);
            if (tc.group(3).startsWith("clsact/")) {
                labels.put("hook", "tc_" + tc.group(3).substring("clsact/".length()));
            }
            out.add(new Listed(NETDEV, labels));
        }
        Matcher flow = FLOW_DISSECTORS.matcher(json);
        if (device == null && flow.find()) {
            for (Matcher id = ID.matcher(flow.group(1)); id.find(); ) {
                out.add(new Listed(NETNS, labels("prog_id", id.group(1), "netns_ino", netnsIno,
                        "attach_type", "flow_dissector")));
            }
        }
        return out;
    }

    /**
     * What {@code bpftool -j cgroup tree top} lists (with {@code effective}, every program that runs in each
     * cgroup, inherited or not), each with its cgroup as a path from {@code root}, the cgroup2 mount; those
     * attached there also with their attach flags.
     */
    public static List<Listed> cgroupTree(Path root, Path top, boolean effective) {
        String json = effective ? HostSetup.run("bpftool", "-j", "cgroup", "tree", top.toString(), "effective")
                : HostSetup.run("bpftool", "-j", "cgroup", "tree", top.toString());
        List<Listed> out = new ArrayList<>();
        for (Matcher cgroup = CGROUP_PROGRAMS.matcher(json); cgroup.find(); ) {
            String path = "/" + root.relativize(Path.of(cgroup.group(1)));
            for (Matcher program = CGROUP_PROGRAM.matcher(cgroup.group(2)); program.find(); ) {
                Map<String, String> labels = labels("cgroup", path, "prog_id", program.group(1),
                        "attach_type", program.group(2));
                if (!effective) {
                    labels.put("attach_flags", program.group(4));
                    labels.put("inherited", "false");
                }
                out.add(new Listed(CGROUP, labels));
            }
        }
        return out;
    }

    /**
     * What {@code bpftool -j perf} lists of fd {@code fd} of process {@code pid}: the program, the kind of
     * probe, its tracepoint, function or file, and its offset ("" where bpftool gives none); fails when it
     * lists nothing there.
     */
    public static Listed perf(long pid, int fd) {
        String json = HostSetup.run("bpftool", "-j", "perf");
        Matcher entry = Pattern.compile("\\{\"pid\":" + pid + ",\"fd\":" + fd + ",\"prog_id\":(\\d+),\"fd_type\":\"(\\w+)\","
                + "\"(?:tracepoint|func|filename)\":\"([^\"]*)\"(?:,\"offset\":(\\d+))?").matcher(json);
        assertTrue(entry.find(), "bpftool lists fd " + fd + " of " + pid + ": " + json);
        return new Listed(PERF_EVENT, labels("prog_id", entry.group(1), "pid", Long.toString(pid), "fd",
                Integer.toString(fd), "kind", entry.group(2), "target", entry.group(3), "offset",
                entry.group(4) == null ? "" : entry.group(4)));
    }

    private static Map<String, String> labels(String... pairs) {
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            labels.put(pairs[i], pairs[i + 1]);
        }
        return labels;
    }
}
