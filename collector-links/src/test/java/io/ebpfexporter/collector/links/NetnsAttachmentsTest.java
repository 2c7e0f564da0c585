package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.CollectorMemory;
import io.ebpfexporter.core.ScrapeContext;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.kernel.Naming;
import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.core.walk.ObjectSource;
import io.ebpfexporter.testkit.Bpftool;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.Libc;
import io.ebpfexporter.testkit.LinkRecipes;
import io.ebpfexporter.testkit.MapSettings;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Programs attached for real to a network namespace the test makes (a flow dissector by BPF_PROG_ATTACH
 * from a thread entered into it, sk_lookup by a netns link) and to sockmaps and a sockhash (sk_msg and
 * sk_skb by BPF_PROG_ATTACH, sk_skb by a sockmap link), and the series the collector reports of each when
 * it runs on a thread entered into that namespace, as the collector's namespace setting runs it. The
 * namespace's flow dissector is compared with {@code bpftool -j net} run there (which does not list
 * sk_lookup); bpftool has no listing of a map's programs, so those are compared with what the test attached.
 */
class NetnsAttachmentsTest {
    private static final int PROG_SK_SKB = 14;
    private static final int MAP_SOCKMAP = 15;
    private static final int ATTACH_SK_SKB_VERDICT = 38;

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
        Kernel.requireTool("ip");
        Kernel.requireTool("bpftool");
    }

    /**
     * Runs {@code body} on a platform thread of its own entered into the network namespace at
     * {@code netnsPath}, and returns its result; the thread, and its namespace with it, ends there.
     */
    private static <T> T inNamespace(String netnsPath, Callable<T> body) throws Exception {
        FutureTask<T> task = new FutureTask<>(() -> {
            int netns = Libc.openOrFail(netnsPath, Libc.O_RDONLY);
            try {
                Libc.enterNetworkNamespace(netns);
            } finally {
                Bpf.close(netns);
            }
            return body.call();
        });
        Thread.ofPlatform().name("in-" + Path.of(netnsPath).getFileName()).start(task);
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }

    private static AttachmentsCollector collector() {
        AttachmentsCollector c = new AttachmentsCollector();
        c.configure(new MapSettings("attachments", Map.of(), Naming.STANDARD));
        return c;
    }

    private static String netns(int progId, String netnsIno, String attachType, int linkId) {
        return "ebpf_program_netns_attachment_info{attach_type=\"" + attachType + "\",link_id=\"" + id(linkId)
                + "\",netns_ino=\"" + netnsIno + "\",prog_id=\"" + progId + "\"} 1";
    }

    private static String sockmap(int progId, int mapId, String attachType, int linkId) {
        return "ebpf_program_sockmap_attachment_info{attach_type=\"" + attachType + "\",link_id=\"" + id(linkId)
                + "\",map_id=\"" + mapId + "\",prog_id=\"" + progId + "\"} 1";
    }

    /** The program a link attaches, as bpftool reports it. */
    private static int progOf(Fixtures.Made link) throws Exception {
        return Integer.parseInt(Bpftool.field(Bpftool.show("link", link.id()), "prog_id"));
    }

    private static String id(int id) {
        return id == 0 ? "" : Integer.toString(id);
    }

    private static String success(String source, boolean answered) {
        return "ebpf_exporter_attachment_source_success{source=\"" + source + "\"} " + (answered ? "1.0" : "0.0");
    }

    private static void assertLine(String metrics, String line) {
        assertTrue(metrics.contains(line + "\n"), "missing " + line + " in\n" + metrics);
    }

    /** The series of {@code family} that name {@code label}="{@code value}". */
    private static long count(String metrics, String family, String label, String value) {
        return metrics.lines().filter(l -> l.startsWith(family + "{") && l.contains(label + "=\"" + value + "\"")).count();
    }

    /** Each flow dissector {@code bpftool -j net} lists in namespace {@code name} is a series there; returns how many. */
    private static int sameAsBpftoolNet(String metrics, String name, String netnsIno) {
        String json = HostSetup.run("ip", "netns", "exec", name, "bpftool", "-j", "net");
        Matcher list = Pattern.compile("\"flow_dissector\":\\[(.*?)]").matcher(json);
        assertTrue(list.find(), json);
        Matcher prog = Pattern.compile("\"id\":(\\d+)").matcher(list.group(1));
        int listed = 0;
        while (prog.find()) {
            listed++;
            String series = "attach_type=\"flow_dissector\",link_id=\"\",netns_ino=\"" + netnsIno + "\",prog_id=\""
                    + prog.group(1) + "\"";
            assertTrue(metrics.contains(series), series + " of " + json + " in\n" + metrics);
        }
        return listed;
    }

    @Test
    void flowDissectorAndSkLookupOfANamespaceAreReadOnAThreadInIt() throws Exception {
        KernelFeatures.require(KernelFeatures.progType("SK_LOOKUP"), "BPF_PROG_TYPE_SK_LOOKUP", "5.9");
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            String path = host.netns();
            String name = Path.of(path).getFileName().toString();
            String ino = Files.getAttribute(Path.of(path), "unix:ino").toString();
            var flow = fx.program(Fixtures.PROG_FLOW_DISSECTOR, "nt_flow", Fixtures.ATTACH_FLOW_DISSECTOR, 0);
            // BPF_PROG_ATTACH of a flow dissector takes the caller's namespace: bpftool, started from
            // the entered thread, runs in it
            inNamespace(path, () -> HostSetup.run("bpftool", "prog", "attach", "id", Integer.toString(flow.id()),
                    "flow_dissector"));
            var link = new LinkRecipes(fx, host).skLookup(path);
            int lookup = progOf(link);

            String m = inNamespace(path, () -> Scrapes.text(collector()));
            assertLine(m, netns(flow.id(), ino, "flow_dissector", 0));
            assertLine(m, netns(lookup, ino, "sk_lookup", link.id()));
            assertEquals(2, count(m, "ebpf_program_netns_attachment_info", "netns_ino", ino), m);
            assertLine(m, success("netns", true));
            assertEquals(1, sameAsBpftoolNet(m, name, ino));

            String onHost = Scrapes.text(collector());
            assertEquals(0, count(onHost, "ebpf_program_netns_attachment_info", "netns_ino", ino),
                    "a thread of the initial namespace reads that one's hooks:\n" + onHost);

            fx.close(link);
            String unlinked = inNamespace(path, () -> Scrapes.text(collector()));
            assertFalse(unlinked.contains("prog_id=\"" + lookup + "\""), unlinked);
        }
    }

    /**
     * BPF_PROG_QUERY needs CAP_NET_ADMIN (recent kernels take CAP_SYS_ADMIN instead); opening a map by id needs
     * CAP_SYS_ADMIN. A thread holding neither, its objects listed by iterators as the exporter lists them
     * under reduced privileges, gets 0 for both kinds and no series made up; with CAP_NET_ADMIN alone the
     * namespace's hooks answer while the maps' stay refused.
     */
    @Test
    void withoutCapNetAdminAndCapSysAdminBothKindsSayTheyWereRefused() throws Exception {
        KernelFeatures.require(KernelFeatures.member("bpf_iter__bpf_map", "map"), "iter/bpf_map", "5.9");
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures();
             ObjectSource iterated = Scrapes.iterated()) {
            String path = host.netns();
            String ino = Files.getAttribute(Path.of(path), "unix:ino").toString();
            var link = new LinkRecipes(fx, host).flowDissector(path);
            var map = fx.map(MAP_SOCKMAP, 4, 4, 1, 0, "nt_sockmap_rp");
            var msg = fx.program(Fixtures.PROG_SK_MSG, "nt_msg_rp", Fixtures.ATTACH_SK_MSG_VERDICT, 1);
            HostSetup.run("bpftool", "prog", "attach", "id", Integer.toString(msg.id()), "sk_msg_verdict",
                    "id", Integer.toString(map.id()));
            ScrapeContext reduced = new ScrapeContext(2, new CollectorMemory(), Host.live(iterated));

            String neither = inNamespace(path, () -> {
                Libc.dropEffective(Libc.CAP_NET_ADMIN, Libc.CAP_SYS_ADMIN);
                return Scrapes.text(collector(), reduced);
            });
            assertLine(neither, success("netns", false));
            assertLine(neither, success("sockmap", false));
            assertFalse(neither.contains("ebpf_program_netns_attachment_info{"), neither);
            assertFalse(neither.contains("ebpf_program_sockmap_attachment_info{"), neither);

            String netAdmin = inNamespace(path, () -> {
                Libc.dropEffective(Libc.CAP_SYS_ADMIN);
                return Scrapes.text(collector(), reduced);
            });
            // iterators read a link's header only, not its namespace: which link holds the program is not said
            assertLine(netAdmin, netns(progOf(link), ino, "flow_dissector", 0));
            assertLine(netAdmin, success("netns", true));
            assertLine(netAdmin, success("sockmap", false));
        }
    }

    @Test
    void skMsgOnASockhashAndSkSkbOnSockmapsByAttachAndByLink() throws Exception {
        KernelFeatures.require(KernelFeatures.kfunc("sock_map_bpf_prog_query"), "BPF_PROG_QUERY on a sockmap", "5.18");
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            var hash = fx.map(Fixtures.MAP_SOCKHASH, 4, 4, 1, 0, "nt_sockhash");
            var map = fx.map(MAP_SOCKMAP, 4, 4, 1, 0, "nt_sockmap");
            var msg = fx.program(Fixtures.PROG_SK_MSG, "nt_msg", Fixtures.ATTACH_SK_MSG_VERDICT, 1);
            var skb = fx.program(PROG_SK_SKB, "nt_skb", ATTACH_SK_SKB_VERDICT, 1);
            HostSetup.run("bpftool", "prog", "attach", "id", Integer.toString(msg.id()), "sk_msg_verdict",
                    "id", Integer.toString(hash.id()));
            HostSetup.run("bpftool", "prog", "attach", "id", Integer.toString(skb.id()), "sk_skb_verdict",
                    "id", Integer.toString(map.id()));

            String m = Scrapes.text(collector());
            assertLine(m, sockmap(msg.id(), hash.id(), "sk_msg_verdict", 0));
            assertLine(m, sockmap(skb.id(), map.id(), "sk_skb_verdict", 0));
            assertEquals(1, count(m, "ebpf_program_sockmap_attachment_info", "map_id", Integer.toString(hash.id())), m);
            assertEquals(1, count(m, "ebpf_program_sockmap_attachment_info", "map_id", Integer.toString(map.id())), m);
            assertLine(m, success("sockmap", true));

            if (KernelFeatures.linkType("SOCKMAP")) {
                var linked = fx.map(MAP_SOCKMAP, 4, 4, 1, 0, "nt_sockmap_ln");
                var link = new LinkRecipes(fx, host).sockmap(linked);
                assertLine(Scrapes.text(collector()), sockmap(progOf(link), linked.id(), "sk_skb_verdict", link.id()));
            } else {
                KernelFeatures.missing("BPF_LINK_TYPE_SOCKMAP", "6.10");
            }

            fx.close(hash);
            assertFalse(Scrapes.text(collector()).contains("map_id=\"" + hash.id() + "\""), "a freed map has no series");
        }
    }
}
