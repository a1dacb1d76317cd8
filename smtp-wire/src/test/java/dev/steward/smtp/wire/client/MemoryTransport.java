package dev.steward.smtp.wire.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

/**
 * A {@link Transport} in memory: the server's replies are a fixed script, what the client writes
 * is kept. After the script the input ends as {@link End} says; writes can be made to fail after
 * a number of bytes, as a dropped connection would.
 */
final class MemoryTransport extends Transport {

    /** What a read finds after the scripted replies. */
    enum End {
        /** The server closed the connection. */
        EOF,
        /** The server stays silent: the read blocks until the connection is closed (by the watchdog). */
        SILENCE
    }

    private final ByteArrayInputStream script;
    private final End end;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private long writableBytes = Long.MAX_VALUE;   // writes beyond this many bytes fail
    private volatile boolean closed;
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);

    MemoryTransport(String replies, End end) {
        this.script = new ByteArrayInputStream(replies.getBytes(StandardCharsets.UTF_8));
        this.end = end;
    }

    /** Writes fail with "Broken pipe" once {@code bytes} bytes have been written. */
    MemoryTransport failWritesAfter(long bytes) {
        this.writableBytes = bytes;
        return this;
    }

    String written() {
        return written.toString(StandardCharsets.UTF_8);
    }

    @Override
    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                if (closed) {
                    throw new SocketException("Socket closed");
                }
                int count = script.read(bytes, offset, length);
                if (count < 0 && end == End.SILENCE) {
                    // As a blocking socket read: nothing comes until someone closes the socket.
                    try {
                        closing.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted");
                    }
                    throw new SocketException("Socket closed");
                }
                return count;
            }
        };
    }

    @Override
    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                if (closed) {
                    throw new SocketException("Socket closed");
                }
                long room = writableBytes - written.size();
                if (length > room) {
                    written.write(bytes, offset, (int) Math.max(0, room));
                    throw new SocketException("Broken pipe");
                }
                written.write(bytes, offset, length);
            }
        };
    }

    @Override
    Socket plainSocket() {
        return null;
    }

    @Override
    void upgrade(SSLSocket tls) {
        throw new UnsupportedOperationException("no TLS in memory");
    }

    @Override
    String peer() {
        return "memory:25";
    }

    @Override
    void close() {
        closed = true;
        closing.countDown();
    }

    @Override
    boolean isClosed() {
        return closed;
    }
}
