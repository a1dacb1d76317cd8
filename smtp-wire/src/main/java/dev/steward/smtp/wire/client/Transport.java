package dev.steward.smtp.wire.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/**
 * The byte streams under a {@link ClientSession}: a socket in production ({@link SocketTransport}),
 * memory in unit tests. Only {@link #close()} may be called from another thread (the write
 * watchdog). Reads and writes block without a timeout: the session's {@link IoWatchdog} bounds
 * them by closing the connection.
 */
abstract class Transport {

    /** The current input stream, plaintext or TLS. */
    abstract InputStream input() throws IOException;

    /** The current output stream, plaintext or TLS. */
    abstract OutputStream output() throws IOException;

    /** The connected plaintext socket to put TLS on, or null when there is none. */
    abstract Socket plainSocket();

    /** From now on, read and write through {@code tls}, which is layered on {@link #plainSocket()}. */
    abstract void upgrade(SSLSocket tls);

    /** The server's address for messages, such as {@code 192.0.2.1:25}. */
    abstract String peer();

    /** Closes the connection at once, without any goodbye. Idempotent; thread-safe. */
    abstract void close();

    /** Whether {@link #close()} was called. Thread-safe. */
    abstract boolean isClosed();
}
