package io.ebpfexporter.server;

import java.io.IOException;

/**
 * {@code --sd-notify}: tells systemd the service state. The protocol is a datagram on the unix socket
 * in $NOTIFY_SOCKET, which the JDK cannot send (its unix sockets are stream-only), so the message goes
 * through systemd's own {@code systemd-notify}; the unit needs {@code NotifyAccess=all} (deploy/ has it).
 */
final class SystemdNotify {
    private static final System.Logger LOG = System.getLogger(SystemdNotify.class.getName());

    private SystemdNotify() {
    }

    static void send(String state) {
        if (System.getenv("NOTIFY_SOCKET") == null) {
            LOG.log(System.Logger.Level.WARNING, "--sd-notify: NOTIFY_SOCKET is not set (not started by systemd"
                    + " with Type=notify); not sending {0}", state);
            return;
        }
        try {
            Process p = new ProcessBuilder("systemd-notify", "--no-block", "--pid=" + ProcessHandle.current().pid(), state)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() != 0) {
                LOG.log(System.Logger.Level.WARNING, "systemd-notify {0} failed: {1}", state, out);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "--sd-notify: cannot run systemd-notify ({0})", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
