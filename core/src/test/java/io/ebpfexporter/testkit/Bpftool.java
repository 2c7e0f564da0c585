package io.ebpfexporter.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What bpftool (the reference the exporter is compared with) says about one object. */
public final class Bpftool {
    private Bpftool() {
    }

    /** {@code bpftool -j <kind> show id <id>}, e.g. kind "prog" or "map". */
    public static String show(String kind, int id) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Kernel.requireTool("bpftool"), "-j", kind, "show", "id", Integer.toString(id))
                .redirectErrorStream(true).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), json);
        return json;
    }

    /** A scalar field of bpftool's flat JSON object, as text. */
    public static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"?([^\",}]*)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return m.group(1);
    }
}
