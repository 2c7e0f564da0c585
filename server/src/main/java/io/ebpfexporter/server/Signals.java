package io.ebpfexporter.server;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT end the exporter as asked: one line, in-flight scrapes given the listener's grace
 * period, collectors closed (the stats fd among them), exit code 0, so that a supervisor sees a clean
 * stop. SIGHUP reloads the web config and never ends the process. Any other exit (an error, the JVM
 * running out of memory) is non-zero. A SIGHUP ignored when the process started (as {@code nohup} leaves
 * it) stays ignored, as the JVM will not take it over; one line says so at start-up.
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
        if (Signal.handle(new Signal("HUP"), signal -> exporter.reloadWebConfig("SIGHUP")) == SignalHandler.SIG_IGN) {
            LOG.log(System.Logger.Level.WARNING, "SIGHUP is ignored (inherited, as under nohup): reload by signal is"
                    + " off; the web config file is still checked once a second and reloaded when it changes,"
                    + " or start the exporter without nohup to reload with kill -HUP");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(exporter::close, "shutdown"));
    }
}
