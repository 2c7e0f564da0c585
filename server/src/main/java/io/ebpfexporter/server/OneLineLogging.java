package io.ebpfexporter.server;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * java.util.logging set to one line per record, and Helidon's own start-up chatter kept below INFO.
 * A record's exception (Helidon logs one for a malformed request) is folded into that line as its
 * class and message and those of its causes, never a stack trace: a log shipper sees one event.
 */
final class OneLineLogging extends Formatter {
    /** Held so the level set on it is not lost when the logger is garbage collected. */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");
    private static final Logger EXPORTER = Logger.getLogger("io.ebpfexporter");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private OneLineLogging() {
    }

    static void install() {
        HELIDON.setLevel(Level.WARNING);
        for (var handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(new OneLineLogging());
        }
    }

    /** Sets the level of the exporter's own loggers and of the console handler that prints them. */
    static void level(Level level) {
        EXPORTER.setLevel(level);
        for (var handler : Logger.getLogger("").getHandlers()) {
            handler.setLevel(level);
        }
    }

    /** The level as --log-level names it (debug, info, warn, error), in capitals, rather than JUL's FINE or SEVERE. */
    private static String levelName(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (value >= Level.WARNING.intValue()) {
            return "WARN";
        }
        return value >= Level.INFO.intValue() ? "INFO" : "DEBUG";
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(TIME.format(Instant.ofEpochMilli(record.getMillis())))
                .append(' ').append(levelName(record.getLevel()))
                .append(' ').append(record.getLoggerName())
                .append(": ").append(formatMessage(record));
        for (Throwable t = record.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            line.append(t == record.getThrown() ? " (" : "; caused by ").append(t.getClass().getName());
            if (t.getMessage() != null) {
                line.append(": ").append(t.getMessage());
            }
            if (t.getCause() == null || t.getCause() == t) {
                line.append(')');
            }
        }
        return line.toString().replace('\n', ' ') + System.lineSeparator();
    }
}
