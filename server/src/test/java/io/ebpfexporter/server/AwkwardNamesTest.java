package io.ebpfexporter.server;

import io.ebpfexporter.testkit.AwkwardPins;
import io.ebpfexporter.testkit.HostSetup;
import io.ebpfexporter.testkit.Kernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Maps pinned under every awkward class of name (AwkwardPins) show their pin series with the same label
 * in every locale the exporter may start in: LANG unset, C, POSIX, C.UTF-8, and a Latin-1 locale made
 * with localedef into a directory of its own (LOCPATH), so no locale package is needed. Each scrape
 * passes promtool. Against the runtime image where EBPF_EXPORTER_IMAGE names its launcher (.ci/run).
 */
class AwkwardNamesTest {
    /** The locale variables the exporter could inherit, all cleared before the case's own are set. */
    private static final String CLEARED = "env -u LANG -u LC_ALL -u LC_CTYPE -u LANGUAGE -u LOCPATH";
    private static final String LATIN1 = "en_US.ISO-8859-1";

    private static AwkwardPins pins;
    private static Path locales;

    @BeforeAll
    static void pinAndMakeLatin1() throws Exception {
        Kernel.requireBpf();
        String localedef = Kernel.requireTool("localedef");
        locales = Files.createTempDirectory("locales");
        HostSetup.run(localedef, "-i", "en_US", "-f", "ISO-8859-1", locales.resolve(LATIN1).toString());
        pins = new AwkwardPins();
    }

    @AfterAll
    static void unpin() throws Exception {
        if (pins != null) {
            pins.close();
        }
        if (locales != null) {
            HostSetup.run("rm", "-rf", locales.toString());
        }
    }

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({"'', ANSI_X3.4-1968", "LANG=C, ANSI_X3.4-1968", "LANG=POSIX, ANSI_X3.4-1968", "LANG=C.UTF-8, UTF-8",
            "LANG=" + LATIN1 + ", ISO-8859-1"})
    void everyAwkwardPinShowsWithTheSameLabel(String lang, String charmap) throws Exception {
        List<String> environment = new ArrayList<>(List.of(CLEARED.split(" ")));
        if (!lang.isEmpty()) {
            environment.add(lang);
        }
        if (lang.endsWith(LATIN1)) {
            environment.add("LOCPATH=" + locales);
        }
        List<String> locale = new ArrayList<>(environment);
        locale.addAll(List.of("locale", "charmap"));
        assertEquals(charmap, HostSetup.run(locale.toArray(String[]::new)).strip(), "the locale is in force: " + environment);
        try (ExporterProcess exporter = ExporterProcess.start("", "", Map.of(ExporterProcess.WRAP, String.join(" ", environment)))) {
            String metrics = exporter.scrape();
            pins.paths().forEach((id, path) -> assertTrue(metrics.contains(series(id, path)),
                    series(id, path) + " in a scrape under " + environment + ":\n" + pinSeries(metrics)));
            EndToEndTest.assertPromtoolAccepts(metrics.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The map's pin series as the text format writes it: backslash, quote and newline escaped. */
    private static String series(int mapId, String path) {
        String escaped = path.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return "ebpf_map_pin_info{map_id=\"" + mapId + "\",path=\"" + escaped + "\"} 1\n";
    }

    private static String pinSeries(String metrics) {
        return String.join("\n", metrics.lines().filter(l -> l.startsWith("ebpf_map_pin_info")).toList());
    }
}
