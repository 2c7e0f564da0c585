package io.ebpfexporter.server;

import io.ebpfexporter.server.config.StartupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code --ready-file}: the machine-readable readiness signal for scripts and tests. Once every
 * listener accepts connections, the file appears whole (written beside it, then renamed), holding each
 * listener's metrics URL, one a line.
 */
final class ReadyFile {
    private ReadyFile() {
    }

    static void write(Path file, List<String> urls) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.write(partial, urls);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StartupException("cannot write --ready-file " + file + " (" + e + "); pass a path in a writable"
                    + " directory");
        }
    }
}
