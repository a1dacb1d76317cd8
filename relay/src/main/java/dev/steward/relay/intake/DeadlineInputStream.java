package dev.steward.relay.intake;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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
 *
 * <p><b>Stress.</b> A deadline armed with a shorter stress timeout ({@link #arm(int, long, int)})
 * ends at that shorter time whenever the server is under stress when the read is waiting — also
 * for a wait that began before the stress did (as Postfix's {@code smtpd_timeout =
 * ${stress?10}{300}}): such waits read in slices of at most {@link #STRESS_CHECK_MILLIS} and look
 * again after each.
 *
 * <p>Thread safety: not thread-safe; owned by the session's thread.
 */
final class DeadlineInputStream extends InputStream {

    /** How often a waiting read with a stress timeout looks whether the server is under stress. */
    static final int STRESS_CHECK_MILLIS = 500;

    private final Socket socket;
    private final InputStream in;
    private final BooleanSupplier stressed;
    private long timeoutNanos;
    private long progressOctets = Long.MAX_VALUE;
    private long armedNanos;
    private long deadlineNanos;
    private long stressTimeoutNanos = Long.MAX_VALUE; // MAX_VALUE: none
    private long octetsSinceProgress;

    DeadlineInputStream(Socket socket) throws IOException {
        this(socket, () -> false);
    }

    /** @param stressed whether the server is under stress right now (cheap; called per waiting slice) */
    DeadlineInputStream(Socket socket, BooleanSupplier stressed) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.stressed = stressed;
    }

    /**
     * Starts a deadline {@code timeoutMillis} from now; it moves on by the same amount each time
     * {@code progressOctets} more octets have arrived ({@link Long#MAX_VALUE}: never).
     */
    void arm(int timeoutMillis, long progressOctets) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.progressOctets = progressOctets;
        this.octetsSinceProgress = 0;
        this.armedNanos = System.nanoTime();
        this.deadlineNanos = armedNanos + timeoutNanos;
        this.stressTimeoutNanos = Long.MAX_VALUE;
    }

    /**
     * As {@link #arm(int, long)}, but while the server is under stress the deadline is
     * {@code stressTimeoutMillis} from now instead, if that is earlier.
     */
    void arm(int timeoutMillis, long progressOctets, int stressTimeoutMillis) {
        arm(timeoutMillis, progressOctets);
        if (stressTimeoutMillis < timeoutMillis) {
            this.stressTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(stressTimeoutMillis);
        }
    }

    private long effectiveDeadline() {
        if (stressTimeoutNanos != Long.MAX_VALUE && stressed.getAsBoolean()) {
            return Math.min(deadlineNanos, armedNanos + stressTimeoutNanos);
        }
        return deadlineNanos;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        while (true) {
            long remaining = effectiveDeadline() - System.nanoTime();
            if (remaining <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            long waitMillis = TimeUnit.NANOSECONDS.toMillis(remaining) + 1;
            boolean slice = stressTimeoutNanos != Long.MAX_VALUE && waitMillis > STRESS_CHECK_MILLIS;
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, slice ? STRESS_CHECK_MILLIS : waitMillis)));
            try {
                n = in.read(buffer, offset, length);
                break;
            } catch (SocketTimeoutException sliceOver) {
                if (!slice) {
                    throw sliceOver;
                }
                // the socket stays usable after a timeout (java.net.Socket#setSoTimeout); look again
            }
        }
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
