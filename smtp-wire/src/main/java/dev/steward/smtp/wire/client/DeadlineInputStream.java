package dev.steward.smtp.wire.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Reads that must complete before a deadline: each read is watched by the session's
 * {@link IoWatchdog}, armed until the reply's deadline, so a server that trickles bytes cannot
 * stretch one reply wait beyond its limit; at the deadline the watchdog closes the connection and
 * the blocked read fails.
 */
final class DeadlineInputStream extends InputStream {

    private final InputStream in;
    private final IoWatchdog watchdog;
    private long deadline;            // System.nanoTime() after which reads fail
    private Duration limit = Duration.ZERO; // the limit the deadline came from, for the failure

    DeadlineInputStream(InputStream in, IoWatchdog watchdog) {
        this.in = in;
        this.watchdog = watchdog;
        this.deadline = System.nanoTime();
    }

    void deadline(long nanoTime, Duration limit) {
        this.deadline = nanoTime;
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int count = read(one, 0, 1);
        return count < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (deadline - System.nanoTime() <= 0) {
            throw new SocketTimeoutException("reply deadline passed");
        }
        watchdog.armUntil(deadline, limit);
        try {
            return in.read(bytes, offset, length);
        } finally {
            watchdog.disarm();
        }
    }
}
