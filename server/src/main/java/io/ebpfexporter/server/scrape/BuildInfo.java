package io.ebpfexporter.server.scrape;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Version and git revision stamped into the jar at build time. */
public record BuildInfo(String version, String revision, String javaVersion) {

    public static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(stamped(p, "version"), stamped(p, "revision"), Runtime.version().toString());
    }

    /** A property the build filled in, or "unknown" where it could not (no git checkout). */
    private static String stamped(Properties p, String key) {
        String value = p.getProperty(key, "");
        return value.isBlank() || value.startsWith("${") ? "unknown" : value;
    }
}
