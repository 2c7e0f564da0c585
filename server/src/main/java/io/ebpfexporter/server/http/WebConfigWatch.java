package io.ebpfexporter.server.http;

import io.ebpfexporter.server.config.StartupException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the web config file ({@code --web.config.file}) in force: reloads it on SIGHUP, and checks it and
 * the certificate, key and CA files it names once a second, so that certificates and users rotate without
 * a restart or a signal.
 */
public final class WebConfigWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebConfigWatch.class.getName());

    private final Optional<Path> file;
    private final BasicAuth auth;
    private final Listeners listeners;
    private final ScheduledExecutorService watcher;
    private volatile List<String> watched;
    private WebConfig web;

    private WebConfigWatch(Optional<Path> file, WebConfig web, BasicAuth auth, Listeners listeners) {
        this.file = file;
        this.web = web;
        this.auth = auth;
        this.listeners = listeners;
        this.watched = stamp(web.files());
        this.watcher = file.isEmpty() ? null
                : Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("web-config-watch").factory());
    }

    /** Watches {@code file}, which {@code web} was read from, if there is one. */
    public static WebConfigWatch start(Optional<Path> file, WebConfig web, BasicAuth auth, Listeners listeners) {
        WebConfigWatch watch = new WebConfigWatch(file, web, auth, listeners);
        if (watch.watcher != null) {
            watch.watcher.scheduleWithFixedDelay(watch::reloadIfChanged, 1, 1, TimeUnit.SECONDS);
        }
        return watch;
    }

    private synchronized void reloadIfChanged() {
        if (!stamp(web.files()).equals(watched)) {
            reload("web config changed");
        }
    }

    /**
     * Reads the web config file again: new users take effect at the next request, a new certificate at
     * the next handshake. A file that no longer loads keeps the config in force; TLS is turned on or off
     * only by a restart. One log line either way.
     */
    public synchronized void reload(String why) {
        if (file.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "{0}: no --web.config.file to reload", why);
            return;
        }
        WebConfig fresh;
        try {
            fresh = WebConfig.load(file.get());
        } catch (StartupException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: kept the web config in force: {1}", why, e.getMessage());
            return;
        } finally {
            watched = stamp(web.files());
        }
        if (fresh.tls().isPresent() != listeners.tls()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: kept the web config in force: turning TLS on or off needs"
                    + " a restart", why);
            return;
        }
        fresh.tls().ifPresent(listeners::reloadTls);
        auth.users(fresh.users());
        web = fresh;
        watched = stamp(fresh.files());
        LOG.log(System.Logger.Level.INFO, "{0}: reloaded {1} ({2} users{3})", why, file.get(),
                String.valueOf(fresh.users().size()), fresh.tls().isPresent() ? ", certificate" : "");
    }

    /** Modification time and size of each file; a file that cannot be read counts as a change to read. */
    private static List<String> stamp(List<Path> files) {
        List<String> stamps = new ArrayList<>();
        for (Path file : files) {
            try {
                stamps.add(Files.getLastModifiedTime(file) + "/" + Files.size(file));
            } catch (IOException e) {
                stamps.add("unreadable");
            }
        }
        return stamps;
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
