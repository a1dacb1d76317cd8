package dev.steward.relay.intake;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The intake's read timeouts as deadlines (Postfix's {@code smtpd_per_record_deadline}): a plain
 * socket read timeout restarts with every byte, so a client that sends one byte every few seconds
 * holds its session, and one of the {@code max_connections} slots, for ever. Here the time is
 * counted from {@link #arm}: a whole command line must arrive within {@code command_timeout}, and
 * in DATA every {@code progressOctets} octets (a line's worth, {@code max_line_length}) must arrive
 * within {@code data_timeout}. Each read waits at most until the deadline (the socket's
 * {@code SO_TIMEOUT} set to what is left) and a read after the deadline fails at once; both throw
 * {@link SocketTimeoutException}, which the session answers with 421 4.4.2.
 *
 * <p>Thread safety: not thread-safe; owned by the session's thread.
 */
final class DeadlineInputStream extends InputStream {

    private final Socket socket;
    private final InputStream in;
    private long timeoutNanos;
    private long progressOctets = Long.MAX_VALUE;
    private long deadlineNanos;
    private long octetsSinceProgress;

    DeadlineInputStream(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /**
     * Starts a deadline {@code timeoutMillis} from now; it moves on by the same amount each time
     * {@code progressOctets} more octets have arrived ({@link Long#MAX_VALUE}: never).
     */
    void arm(int timeoutMillis, long progressOctets) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.progressOctets = progressOctets;
        this.octetsSinceProgress = 0;
        this.deadlineNanos = System.nanoTime() + timeoutNanos;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining) + 1)));
        int n = in.read(buffer, offset, length);
        if (n > 0 && progressOctets != Long.MAX_VALUE) {
            octetsSinceProgress += n;
            if (octetsSinceProgress >= progressOctets) {
                octetsSinceProgress = 0;
                deadlineNanos = System.nanoTime() + timeoutNanos;
            }
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
