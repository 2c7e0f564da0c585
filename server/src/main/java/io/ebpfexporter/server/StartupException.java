package io.ebpfexporter.server;

/** A reason the exporter cannot start, worded for the operator as one line: the problem and the fix. */
final class StartupException extends RuntimeException {
    StartupException(String message) {
        super(message, null, false, false);
    }
}
