package io.ebpfexporter.server.config;

/** A reason the exporter cannot start, worded for the operator as one line: the problem and the fix. */
public final class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message, null, false, false);
    }
}
