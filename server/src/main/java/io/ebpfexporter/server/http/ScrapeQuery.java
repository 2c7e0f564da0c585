package io.ebpfexporter.server.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The metrics endpoint's query: {@code collect[]=NAME} and {@code exclude[]=NAME}, brackets literal (as
 * curl's --data-urlencode and Prometheus' params send them) or percent-encoded. Parsed here as a form
 * query (Go's ParseQuery: '+' is a space), strictly, since Helidon's own query check is off; other
 * parameters are ignored.
 */
record ScrapeQuery(List<String> collect, List<String> exclude) {
    /** Thrown with the one line a 400 answers. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    static ScrapeQuery parse(String raw) throws Malformed {
        List<String> collect = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (name) {
                case "collect[]" -> collect.add(value);
                case "exclude[]" -> exclude.add(value);
                default -> {
                }
            }
        }
        return new ScrapeQuery(List.copyOf(collect), List.copyOf(exclude));
    }

    private static String decode(String text) throws Malformed {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new Malformed("the query holds a control character; percent-encode it");
            }
        }
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Malformed("the query holds a malformed percent escape in '" + text + "'; write %XX with two hex digits");
        }
    }
}
