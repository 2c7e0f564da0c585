package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.LinkRecipes;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names holding a quote, a backslash and an invalid UTF-8 byte, made with printf (a Java string cannot
 * carry the byte 0xff to a command): an interface's and a uprobe target's, each shown as its label value.
 */
class AwkwardNamesTest {
    private final String tag = "in" + ProcessHandle.current().pid() % 100_000;
    /** The tag, a quote, a backslash and 0xff: as a shell word, and as the label value it encodes to. */
    private final String word = "\"$(printf '" + tag + "\"\\\\\\377')\"";
    private final String label = tag + "\"\\\\\\xff";

    @Test
    void anAwkwardInterfaceNameIsItsLabelValue() {
        Kernel.requireBpf();
        HostSetup.run("sh", "-c", "ip link add " + word + " type veth peer name " + tag + "p");
        try {
            int index = Integer.parseInt(HostSetup.run("sh", "-c", "cat /sys/class/net/" + word + "/ifindex").strip());
            assertEquals(label, new InterfaceNames(Host.LIVE).name(index));
        } finally {
            HostSetup.run("sh", "-c", "ip link del " + word);
        }
    }

    @Test
    void anAwkwardUprobeTargetPathIsItsLabelValue() {
        Kernel.requireBpf();
        KernelFeatures.require(KernelFeatures.linkType("UPROBE_MULTI"), "BPF_LINK_TYPE_UPROBE_MULTI", "6.6");
        HostSetup.run("sh", "-c", "cp /usr/bin/true /tmp/" + word);
        try (HostSetup host = new HostSetup(); Fixtures fx = new Fixtures()) {
            ByteArrayOutputStream path = new ByteArrayOutputStream();
            path.writeBytes(("/tmp/" + tag + "\"\\").getBytes(StandardCharsets.US_ASCII));
            path.write(0xff);
            int pid = (int) ProcessHandle.current().pid();
            var link = new LinkRecipes(fx, host).uprobeMulti(path.toByteArray(), pid);
            String series = "ebpf_link_uprobe_multi_info{count=\"1\",flags=\"0\",link_id=\"" + link.id() + "\",path=\""
                    + ("/tmp/" + label).replace("\\", "\\\\").replace("\"", "\\\"") + "\",pid=\"" + pid + "\"} 1\n";
            String metrics = Scrapes.text(new LinksCollector());
            assertTrue(metrics.contains(series), series + " in\n" + metrics);
        } finally {
            HostSetup.run("sh", "-c", "rm /tmp/" + word);
        }
    }
}
