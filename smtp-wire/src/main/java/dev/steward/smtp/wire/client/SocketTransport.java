package dev.steward.smtp.wire.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.ssl.SSLSocket;

/** A {@link Transport} over a connected socket, possibly upgraded to TLS. */
final class SocketTransport extends Transport {

    private final Socket plain;
    private volatile Socket current;      // plain, or the TLS socket layered on it
    private volatile boolean closed;      // close() was called

    SocketTransport(Socket plain) {
        if (!plain.isConnected() || plain.isClosed()) {
            throw new IllegalArgumentException("the socket must be connected and open");
        }
        this.plain = plain;
        this.current = plain;
    }

    @Override
    InputStream input() throws IOException {
        return current.getInputStream();
    }

    @Override
    OutputStream output() throws IOException {
        return current.getOutputStream();
    }

    @Override
    Socket plainSocket() {
        return current == plain ? plain : null;
    }

    @Override
    void upgrade(SSLSocket tls) {
        current = tls;
    }

    @Override
    String peer() {
        SocketAddress address = plain.getRemoteSocketAddress();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @Override
    void close() {
        closed = true;
        try {
            // XXX no TLS close_notify: the plain socket is closed under the TLS layer, so a close
            // never blocks on a peer that stopped reading. After QUIT/221 nothing is lost.
            plain.close();
        } catch (IOException ignored) {
            // Nothing to do: the connection is gone either way.
        }
    }

    @Override
    boolean isClosed() {
        return closed;
    }
}
