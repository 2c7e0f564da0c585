package io.ebpfexporter.collector.btf;

import io.ebpfexporter.testkit.Fixtures;
import io.ebpfexporter.testkit.Kernel;
import io.ebpfexporter.testkit.KernelFeatures;
import io.ebpfexporter.testkit.Scrapes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BtfCollectorTest {

    @BeforeAll
    static void kernel() {
        Kernel.requireBpf();
    }

    private static String scrape() {
        return Scrapes.text(new BtfCollector());
    }

    @Test
    void vmlinuxIsKernelBtfOfItsFileSize() throws Exception {
        KernelFeatures.require(KernelFeatures.namedBtf(), "kernel BTF objects with names (bpf_btf_info.kernel_btf)", "5.11");
        String metrics = scrape();
        Matcher m = Pattern.compile("(?m)^ebpf_btf_info\\{btf_id=\"(\\d+)\",btf_name=\"vmlinux\",is_kernel=\"true\"} 1$")
                .matcher(metrics);
        assertTrue(m.find(), metrics);
        long fileSize = Files.size(Path.of("/sys/kernel/btf/vmlinux"));
        assertTrue(metrics.contains("ebpf_btf_size_bytes{btf_id=\"" + m.group(1) + "\"} " + (double) fileSize + "\n")
                || metrics.contains("ebpf_btf_size_bytes{btf_id=\"" + m.group(1) + "\"} " + fileSize + ".0\n"), metrics);
    }

    @Test
    void userBtfIsAnonymousAndGoesAwayWhenClosed() throws Exception {
        String info;
        try (Fixtures fx = new Fixtures()) {
            Fixtures.Made btf = fx.tinyBtf();
            // Before 5.11 the kernel reports neither a name nor whether it owns the BTF: both labels empty.
            String kernel = KernelFeatures.namedBtf() ? "false" : "";
            info = "ebpf_btf_info{btf_id=\"" + btf.id() + "\",btf_name=\"\",is_kernel=\"" + kernel + "\"} 1\n";
            String metrics = scrape();
            assertTrue(metrics.contains(info), metrics);
            assertTrue(metrics.contains("ebpf_btf_size_bytes{btf_id=\"" + btf.id() + "\"} " + Fixtures.TINY_BTF_SIZE + ".0\n"),
                    metrics);
        }
        // The kernel frees BTF asynchronously (RCU) after its last fd closes.
        long deadline = System.nanoTime() + 5_000_000_000L;
        String metrics = scrape();
        while (metrics.contains(info) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            metrics = scrape();
        }
        assertFalse(metrics.contains(info), metrics);
        assertEquals(-1, metrics.indexOf("btf_name=\"\",is_kernel=\"true\""), "kernel BTF always has a name");
    }
}
