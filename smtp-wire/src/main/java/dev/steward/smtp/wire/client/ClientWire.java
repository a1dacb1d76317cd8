package dev.steward.smtp.wire.client;

import dev.steward.common.io.ByteArrayPool;
import dev.steward.smtp.wire.MalformedReplyException;
import dev.steward.smtp.wire.ReplyReader;
import dev.steward.smtp.wire.SmtpReply;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/**
 * The I/O primitives a {@link ClientSession} and its helpers share: buffered command lines, reply
 * reads with a deadline, watched writes, and one place that turns an {@link IOException} into a
 * {@link ClientFailure} with its stage and elapsed time. Every failure closes the connection.
 *
 * <p>Thread safety: one-thread-at-a-time, like the session.
 */
final class ClientWire {

    static final int OUTPUT_BUFFER_SIZE = 32 * 1024;
    static final int CONTENT_CHUNK_SIZE = 64 * 1024;
    /**
     * Buffers for message content on its way out, shared by every connection of the process: a
     * message up to 64 KiB is read from the queue in one call and, clean, written in one (a run of
     * at least {@link #OUTPUT_BUFFER_SIZE} bypasses the output buffer). At most 16 are kept (1 MiB);
     * a delivery beyond that allocates its own.
     */
    private static final ByteArrayPool CONTENT_CHUNKS = new ByteArrayPool(CONTENT_CHUNK_SIZE, 16);

    private final Transport transport;
    private final IoWatchdog watchdog;
    private DeadlineInputStream input;    // deadline-checked stream under replies; replaced after TLS
    private ReplyReader replies;          // reads the current input; replaced after TLS
    private OutputStream output;          // buffered, watched writes; replaced after TLS
    private Duration writeLimit;          // how long one write may block before the watchdog closes
    private long stageStart;              // System.nanoTime() when the current stage began
    private IOException pendingWriteFailure;  // a write inside writeLine failed; thrown at the next flush

    ClientWire(Transport transport, Duration writeLimit) throws IOException {
        this.transport = transport;
        this.watchdog = new IoWatchdog(transport::close);
        this.writeLimit = writeLimit;
        this.stageStart = System.nanoTime();
        connectStreams();
    }

    /** Re-reads the transport's streams, after it was upgraded to TLS. */
    void upgraded(SSLSocket tls) throws IOException {
        transport.upgrade(tls);
        connectStreams();
    }

    private void connectStreams() throws IOException {
        input = new DeadlineInputStream(transport.input(), watchdog);
        replies = new ReplyReader(input);
        output = new BufferedOutputStream(new WatchedOutputStream(transport.output()), OUTPUT_BUFFER_SIZE);
    }

    Transport transport() {
        return transport;
    }

    /** A buffer for reading message content before it is dot-stuffed and written; give it back after. */
    static byte[] takeContentChunk() {
        return CONTENT_CHUNKS.take();
    }

    static void giveContentChunk(byte[] chunk) {
        CONTENT_CHUNKS.give(chunk);
    }

    IoWatchdog watchdog() {
        return watchdog;
    }

    String peer() {
        return transport.peer();
    }

    boolean isClosed() {
        return transport.isClosed();
    }

    /** Starts the clock of a stage: its elapsed time counts from here. */
    void begin() {
        stageStart = System.nanoTime();
    }

    long stageStart() {
        return stageStart;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - stageStart);
    }

    /** Buffers one command line; it goes out with the next {@link #flush}. */
    void writeLine(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '\r' || line.charAt(i) == '\n') {
                throw new IllegalArgumentException("a command line cannot hold CR or LF");
            }
        }
        byte[] bytes = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
        try {
            output.write(bytes);
        } catch (IOException e) {
            // Only a full buffer writes here; the failure is reported at the flush that follows.
            pendingWriteFailure = e;
        }
    }

    /** Sends the buffered lines; a write may block at most {@code limit}. */
    void flush(Stage stage, Duration limit) throws SmtpClientException {
        writeLimit = limit;
        try {
            if (pendingWriteFailure != null) {
                throw pendingWriteFailure;
            }
            output.flush();
        } catch (IOException e) {
            throw failure(stage, e, limit);
        }
    }

    /** The stream for message content: buffered, each write watched with {@code limit}. */
    OutputStream contentOutput(Duration limit) {
        writeLimit = limit;
        return output;
    }

    /** Reads the next reply; it must be complete within {@code limit} from now. */
    SmtpReply read(Stage stage, Duration limit) throws SmtpClientException {
        input.deadline(System.nanoTime() + limit.toNanos(), limit);
        try {
            return replies.read();
        } catch (IOException e) {
            throw failure(stage, e, limit);
        }
    }

    /** Whether the server sent bytes beyond the last reply that are already buffered. */
    boolean hasBufferedInput() {
        return replies.hasBufferedInput();
    }

    /** Closes the connection and returns the exception reporting {@code failure}. */
    SmtpClientException abort(ClientFailure failure, Throwable cause) {
        close();
        return new SmtpClientException(failure, transport.peer(), cause);
    }

    /** Classifies an I/O failure at {@code stage}, closes the connection, and returns the exception. */
    SmtpClientException failure(Stage stage, IOException e, Duration limit) {
        Duration elapsed = elapsed();
        ClientFailure failure;
        if (e instanceof SmtpClientException already) {
            return already;
        } else if (watchdog.fired()) {
            failure = new ClientFailure.TimedOut(stage, elapsed, watchdog.limit());
        } else if (e instanceof SocketTimeoutException) {
            failure = new ClientFailure.TimedOut(stage, elapsed, limit);
        } else if (e instanceof MalformedReplyException malformed) {
            failure = new ClientFailure.ProtocolViolation(stage, elapsed, malformed.getMessage());
        } else if (e instanceof EOFException) {
            failure = new ClientFailure.ConnectionLost(stage, elapsed, "connection closed by server");
        } else {
            failure = new ClientFailure.ConnectionLost(stage, elapsed, String.valueOf(e.getMessage()));
        }
        return abort(failure, e);
    }

    /** Closes the connection and stops the watchdog. Idempotent. */
    void close() {
        watchdog.stop();
        transport.close();
    }

    /** Arms the watchdog around every write and flush that reaches the transport. */
    private final class WatchedOutputStream extends OutputStream {

        private final OutputStream out;

        WatchedOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            watchdog.arm(writeLimit);
            try {
                out.write(bytes, offset, length);
            } finally {
                watchdog.disarm();
            }
        }

        @Override
        public void flush() throws IOException {
            watchdog.arm(writeLimit);
            try {
                out.flush();
            } finally {
                watchdog.disarm();
            }
        }
    }
}
