package io.ebpfexporter.server;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT end the exporter as asked: one line, in-flight scrapes given the listener's grace
 * period, collectors closed (the stats fd among them), exit code 0, so that a supervisor sees a clean
 * stop. SIGHUP reloads the web config and never ends the process. Any other exit (an error, the JVM
 * running out of memory) is non-zero.
 */
final class Signals {
    private static final System.Logger LOG = System.getLogger(Signals.class.getName());

    private Signals() {
    }

    static void handle(Exporter exporter) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                LOG.log(System.Logger.Level.INFO, "shutting down (SIG{0})", signal.getName());
                exporter.close();
                System.exit(0);
            });
        }
        Signal.handle(new Signal("HUP"), signal -> exporter.reloadWebConfig("SIGHUP"));
        Runtime.getRuntime().addShutdownHook(new Thread(exporter::close, "shutdown"));
    }
}
