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

    /**
     * {@code bpftool -j <kind> show id <id>}, e.g. kind "prog" or "map". {@code link show id} exits with
     * whatever errno its last failed libc call left (Debian trixie's bpftool 7.5 exits 255 after a complete
     * answer), so a link's answer is judged by its content: that link's object, without an error.
     */
    public static String show(String kind, int id) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Kernel.requireTool("bpftool"), "-j", kind, "show", "id", Integer.toString(id))
                .redirectErrorStream(true).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        if ("link".equals(kind)) {
            assertTrue(json.startsWith("{\"id\":" + id + ",") && !json.contains("\"error\""), json);
        } else {
            assertEquals(0, status, json);
        }
        return json;
    }

    /** A scalar field of bpftool's flat JSON object, as text. */
    public static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"?([^\",}]*)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return m.group(1);
    }
}
