package io.ebpfexporter.server.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The live view's words for one place a program runs: the target, then its details in parentheses
 * ({@code tc on eth0 parent 1: chain 0 (pref 4, handle 0x1)}), the link that holds it last. A kind without
 * words here (a family the exporter adds later) shows its labels as they are. A label a series lacks is
 * left out of the words.
 */
final class AttachmentText {
    private AttachmentText() {
    }

    /** {@code homeNetns}: the exporter's network namespace, which goes without saying for an interface. */
    static String of(LiveReading.Attachment attachment, String homeNetns) {
        Map<String, String> l = attachment.labels();
        return switch (attachment.kind()) {
            case "netdev" -> described(words(l.get("hook"), "on", interfaceName(l), named("parent", l.get("parent")),
                            named("chain", l.get("chain"))), l,
                    homeNetns.equals(l.get("netns_ino")) ? null : named("netns", l.get("netns_ino")), l.get("mode"),
                    named("pref", l.get("priority")), named("handle", l.get("handle")));
            case "cgroup" -> described(words(l.get("attach_type"), "on", l.get("cgroup")), l,
                    "none".equals(l.get("attach_flags")) ? null : l.get("attach_flags"),
                    "true".equals(l.get("inherited")) ? "inherited" : null);
            case "netns" -> described(words(l.get("attach_type"), "in", named("netns", l.get("netns_ino"))), l);
            case "sockmap" -> described(words(l.get("attach_type"), "on", map(l)), l);
            case "prog_array" -> described(words("tail call:", map(l), named("slot", l.get("index"))), l);
            case "perf_event" -> described(words(l.get("kind"), probed(l)), l,
                    named("pid", l.get("pid")), named("fd", l.get("fd")));
            case "link" -> described(words(l.get("link_type"), l.entrySet().stream()
                    .filter(e -> !e.getKey().equals("link_id") && !e.getKey().equals("link_type"))
                    .map(Map.Entry::getValue).collect(Collectors.joining(" "))), l);
            default -> described(words(attachment.kind(), l.entrySet().stream().filter(e -> !e.getKey().equals("link_id"))
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))), l);
        };
    }

    private static String interfaceName(Map<String, String> l) {
        return l.containsKey("interface_name") ? l.get("interface_name") : named("ifindex", l.get("interface_index"));
    }

    /** {@code sockhash map 42}; without its type when the maps collector does not run. */
    private static String map(Map<String, String> l) {
        return words(l.get("map_type"), named("map", l.get("map_id")));
    }

    /**
     * A perf event's tracepoint, probed function or file with its offset ({@code do_nanosleep+0}), or a
     * kprobe's address in hex, as kallsyms writes it.
     */
    private static String probed(Map<String, String> l) {
        String address = l.get("address");
        if (address != null) {
            try {
                return "0x" + Long.toHexString(Long.parseUnsignedLong(address));
            } catch (NumberFormatException e) {
                return address;
            }
        }
        String target = l.get("target");
        return target == null || !l.containsKey("offset") ? target : target + "+" + l.get("offset");
    }

    /** {@code main (detail, detail)}; an attachment a link holds names it last. */
    private static String described(String main, Map<String, String> labels, String... details) {
        List<String> all = new ArrayList<>(Arrays.asList(details));
        all.add(named("link", labels.get("link_id")));
        all.removeIf(Objects::isNull);
        return all.isEmpty() ? main : main + " (" + String.join(", ", all) + ")";
    }

    /** {@code word value}, or null without a value. */
    private static String named(String word, String value) {
        return value == null ? null : word + " " + value;
    }

    /** The words there are (not null, not empty), space-separated. */
    private static String words(String... words) {
        return Arrays.stream(words).filter(w -> w != null && !w.isEmpty()).collect(Collectors.joining(" "));
    }
}
