package io.ebpfexporter.server.config;

/** One listen address, {@code host:port}, {@code :port} (every interface) or {@code [v6]:port}. */
public record ListenAddress(String host, int port) {

    static ListenAddress parse(String flag, String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new StartupException(flag + " must be HOST:PORT or :PORT, not '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new ListenAddress(host.isEmpty() ? "0.0.0.0" : host, port);
        } catch (NumberFormatException e) {
            throw new StartupException(flag + " needs a port from 0 to 65535, not '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
