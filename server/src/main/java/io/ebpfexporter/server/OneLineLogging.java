package io.ebpfexporter.server;

import java.util.logging.Level;
import java.util.logging.Logger;

/** java.util.logging set to one line per record, and Helidon's own start-up chatter kept below INFO. */
final class OneLineLogging {
    /** Held so the level set on it is not lost when the logger is garbage collected. */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");
    private static final Logger EXPORTER = Logger.getLogger("io.ebpfexporter");

    private OneLineLogging() {
    }

    static void install() {
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        HELIDON.setLevel(Level.WARNING);
    }

    /** Sets the level of the exporter's own loggers and of the console handler that prints them. */
    static void level(Level level) {
        EXPORTER.setLevel(level);
        for (var handler : Logger.getLogger("").getHandlers()) {
            handler.setLevel(level);
        }
    }
}
