package io.ebpfexporter.server.http;

import io.helidon.common.tls.ConfiguredTlsManager;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyManagementException;
import java.security.SecureRandom;

/**
 * Answers plain HTTP sent to the TLS port with a plain {@code 400} that says the port speaks HTTPS, as Go's
 * server does, instead of TLS alert bytes that curl shows as "HTTP/0.9". On a listener with NIO off, Helidon
 * makes each server TLS socket with {@code SSLSocketFactory.createSocket(socket, consumed, autoClose)}: this
 * manager's context hands out a factory that reads the first byte there. A TLS record starts with 22
 * (handshake); a letter starts an HTTP method. Key and trust reloads stay Helidon's own.
 */
final class PlainHttpRefusal extends ConfiguredTlsManager {
    private static final byte TLS_HANDSHAKE = 22;
    private static final byte[] ANSWER = ("HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Connection: close\r\n\r\nThis port speaks HTTPS: the client sent plain HTTP; use https://\n")
            .getBytes(StandardCharsets.US_ASCII);

    private SSLContext wrapped;
    private SSLContext wrapping;
    private volatile SSLParameters parameters;

    PlainHttpRefusal() {
        super("plain-http-refusal", "plain-http-refusal");
    }

    /**
     * The Tls's protocols, ciphers and client-auth rule, for the sockets made here: Helidon applies them to
     * NIO engines only.
     */
    void parameters(SSLParameters parameters) {
        this.parameters = parameters;
    }

    @Override
    public synchronized SSLContext sslContext() {
        SSLContext context = super.sslContext();
        if (context != wrapping) {
            wrapping = context;
            wrapped = new Context(context, this);
        }
        return wrapped;
    }

    private static final class Context extends SSLContext {
        Context(SSLContext delegate, PlainHttpRefusal manager) {
            super(new Spi(delegate, manager), delegate.getProvider(), delegate.getProtocol());
        }
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final SSLSocketFactory sockets;

        Spi(SSLContext delegate, PlainHttpRefusal manager) {
            this.delegate = delegate;
            this.sockets = new Sockets(delegate.getSocketFactory(), manager);
        }

        @Override
        protected void engineInit(javax.net.ssl.KeyManager[] km, javax.net.ssl.TrustManager[] tm, SecureRandom random)
                throws KeyManagementException {
            delegate.init(km, tm, random);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return sockets;
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return delegate.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return delegate.createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }

    private static final class Sockets extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final PlainHttpRefusal manager;

        Sockets(SSLSocketFactory delegate, PlainHttpRefusal manager) {
            this.delegate = delegate;
            this.manager = manager;
        }

        /** The server side: peeks at the first byte before TLS takes the connection. */
        @Override
        public Socket createSocket(Socket socket, InputStream consumed, boolean autoClose) throws IOException {
            InputStream in = consumed != null ? consumed : socket.getInputStream();
            int first = in.read();
            if (first != TLS_HANDSHAKE && (first >= 'A' && first <= 'Z' || first >= 'a' && first <= 'z')) {
                answer(socket, in);
                throw new SSLHandshakeException("plain HTTP sent to the TLS port");
            }
            if (first < 0) {
                socket.close();
                throw new SSLHandshakeException("closed before the TLS handshake");
            }
            SSLSocket tls = (SSLSocket) delegate.createSocket(socket, new ByteArrayInputStream(new byte[] {(byte) first}),
                    autoClose);
            SSLParameters p = manager.parameters;
            if (p != null) {
                tls.setSSLParameters(p);
            }
            return tls;
        }

        /** The 400, then the rest of the request read away (a second at most), so closing sends no reset. */
        private static void answer(Socket socket, InputStream in) throws IOException {
            try (socket) {
                socket.getOutputStream().write(ANSWER);
                socket.shutdownOutput();
                socket.setSoTimeout(1000);
                byte[] sink = new byte[4096];
                for (int total = 0; total < 64 * 1024; ) {
                    int n = in.read(sink);
                    if (n < 0) {
                        break;
                    }
                    total += n;
                }
            } catch (java.net.SocketTimeoutException e) {
                // the client keeps its side open; closing is all that is left
            }
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            return delegate.createSocket(socket, host, port, autoClose);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return delegate.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return delegate.createSocket(address, port, localAddress, localPort);
        }
    }
}
