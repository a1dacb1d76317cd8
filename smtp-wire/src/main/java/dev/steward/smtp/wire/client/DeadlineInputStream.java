package dev.steward.smtp.wire.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * Reads that must complete before a deadline: before each read the socket timeout is set to the
 * time left, so a server that trickles bytes cannot stretch one reply wait beyond its limit.
 */
final class DeadlineInputStream extends InputStream {

    private final InputStream in;
    private final Transport transport;
    private long deadline;   // System.nanoTime() after which reads fail

    DeadlineInputStream(InputStream in, Transport transport) {
        this.in = in;
        this.transport = transport;
        this.deadline = System.nanoTime();
    }

    void deadline(long nanoTime) {
        this.deadline = nanoTime;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int count = read(one, 0, 1);
        return count < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException("reply deadline passed");
        }
        long millis = Math.max(1, (remaining + 999_999) / 1_000_000);
        transport.readTimeout((int) Math.min(Integer.MAX_VALUE, millis));
        return in.read(bytes, offset, length);
    }
}
