package io.ebpfexporter.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README and the pages under docs/: every relative link and every #anchor resolves as GitHub renders
 * them, and the README stays a front door of at most 15 KiB (the reference lives in docs/).
 */
class DocsLinksTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    private static final int README_MAX_BYTES = 15 * 1024;

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?s:.+?)\\1");
    private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern LINK_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern SOURCE_LINE = Pattern.compile("L\\d+(-L\\d+)?");

    @Test
    void readmeIsAFrontDoor() throws IOException {
        long size = Files.size(ROOT.resolve("README.md"));
        assertTrue(size <= README_MAX_BYTES, "README.md is " + size + " bytes, over " + README_MAX_BYTES
                + ": move reference material to a page under docs/ and link it");
    }

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages()) {
            for (String target : links(page)) {
                if (!SCHEME.matcher(target).find()) {
                    checked++;
                    String problem = problem(page, target);
                    if (problem != null) {
                        broken.add(ROOT.relativize(page) + ": " + target + ": " + problem);
                    }
                }
            }
        }
        assertTrue(checked > 0, "no relative link found in README.md and docs/");
        assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
    }

    @Test
    void anchorsFollowGitHubsRules() {
        assertEquals(Set.of(
                "reduced-privileges-cap_bpf-and-cap_perfmon", "programs-collector-programs",
                "owners-pins-and-full-names-every-collector", "alerts", "alerts-1"), anchors(List.of(
                "# Reduced privileges (CAP_BPF and CAP_PERFMON)",
                "## Programs (collector `programs`)",
                "## Owners, pins and full names (every collector)",
                "## Alerts", "## Alerts",
                "```", "# not a heading inside code", "```")));
    }

    /** README.md and every page under docs/. */
    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertFalse(pages.size() == 1, "no page under docs/");
        return pages;
    }

    /** Every link target of a page, outside code blocks and code spans. */
    private static List<String> links(Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        for (String line : prose(Files.readAllLines(page))) {
            String text = CODE_SPAN.matcher(line).replaceAll("");
            Matcher inline = INLINE_LINK.matcher(text);
            while (inline.find()) {
                targets.add(inline.group(1));
            }
            Matcher definition = LINK_DEFINITION.matcher(text);
            if (definition.matches()) {
                targets.add(definition.group(1));
            }
        }
        return targets;
    }

    /** The lines outside fenced code blocks. */
    private static List<String> prose(List<String> lines) {
        List<String> prose = new ArrayList<>();
        boolean inFence = false;
        for (String line : lines) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
            } else if (!inFence) {
                prose.add(line);
            }
        }
        return prose;
    }

    /** Why {@code target}, linked from {@code page}, does not resolve; null when it does. */
    private static String problem(Path page, String target) throws IOException {
        int hash = target.indexOf('#');
        String path = URLDecoder.decode((hash < 0 ? target : target.substring(0, hash)).replace("+", "%2B"),
                StandardCharsets.UTF_8);
        String fragment = hash < 0 ? "" : target.substring(hash + 1);
        Path file = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
        if (!file.startsWith(ROOT)) {
            return "points outside the repository";
        }
        if (!Files.exists(file)) {
            return "no such file " + ROOT.relativize(file);
        }
        if (fragment.isEmpty()) {
            return null;
        }
        if (!file.toString().endsWith(".md")) {
            return SOURCE_LINE.matcher(fragment).matches() ? null : "an anchor in a file that is not Markdown";
        }
        return anchors(Files.readAllLines(file)).contains(fragment) ? null
                : "no heading with anchor #" + fragment + " in " + ROOT.relativize(file);
    }

    /** The anchors GitHub gives a Markdown page: one per heading, a -1, -2... suffix on repeats, and HTML anchors. */
    private static Set<String> anchors(List<String> lines) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(lines)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int repeats = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
            }
            Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find()) {
                anchors.add(html.group(1));
            }
        }
        return anchors;
    }

    /**
     * GitHub's slug of a heading's rendered text: lower case, everything but letters, digits, marks, spaces,
     * hyphens and underscores dropped, spaces turned into hyphens.
     */
    private static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .replace("`", "")
                .replace("*", "");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
    }
}
