package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.walk.Host;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An interface whose name holds a quote, a backslash and an invalid UTF-8 byte is named by its label value. */
class InterfaceNamesTest {
    @Test
    void anAwkwardInterfaceNameIsItsLabelValue() {
        Kernel.requireBpf();
        String tag = "in" + ProcessHandle.current().pid() % 100_000;
        // The name's bytes go through printf: a Java string cannot carry the byte 0xff to ip.
        String name = "\"$(printf '" + tag + "\"\\\\\\377')\"";
        HostSetup.run("sh", "-c", "ip link add " + name + " type veth peer name " + tag + "p");
        try {
            int index = Integer.parseInt(HostSetup.run("sh", "-c", "cat /sys/class/net/" + name + "/ifindex").strip());
            assertEquals(tag + "\"\\\\\\xff", new InterfaceNames(Host.LIVE).name(index));
        } finally {
            HostSetup.run("sh", "-c", "ip link del " + name);
        }
    }
}
