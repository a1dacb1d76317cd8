package dev.steward.smtp.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The server side of one SMTP connection's input: command lines and DATA bodies, read from a
 * blocking {@link InputStream} through one private byte buffer (no {@code BufferedReader}, no
 * charset decoding except of finished command lines).
 *
 * <p>Command lines ({@link #readCommandLine}) end in CRLF; a bare LF is also accepted (Postfix
 * {@code smtpd_forbid_bare_newline = normalize}). A line that cannot be used is consumed whole and
 * reported as {@link SmtpSyntaxException} with a {@link LineProblem}, so the server can answer
 * {@code 500 5.5.2} and carry on. DATA bodies ({@link #readData}) end only at
 * {@code <CR><LF>.<CR><LF>}; see {@link DataProblem} for what is refused.
 *
 * <p>Pipelining (RFC 2920): the server should flush its replies only when
 * {@link #hasBufferedInput()} is false. After STARTTLS it must check that nothing is buffered
 * (plaintext sent after STARTTLS is an injection attempt, CVE-2011-0411) and wrap the TLS stream in
 * a new {@code SmtpInput}.
 *
 * <p><b>Blocking or not.</b> Made with an {@link InputStream} ({@link #SmtpInput(InputStream)}),
 * every read waits until its line or body is complete. Made with a non-blocking channel
 * ({@link #nonBlocking}), a read that runs out of bytes the channel has now returns {@code null}
 * instead and keeps what it has consumed: the caller calls the same method again, with the same
 * arguments, once the channel is readable (an event loop's server). Both modes parse with the same
 * code, so they accept and refuse exactly the same input however the bytes are split.
 *
 * <p>End of stream is {@link EOFException}; a socket read timeout propagates as
 * {@link java.net.SocketTimeoutException}. After any exception other than
 * {@link SmtpSyntaxException} the connection should be closed.
 *
 * <p>Thread safety: single-threaded (one connection, one thread at a time).
 */
public final class SmtpInput {

    static final int DEFAULT_BUFFER_SIZE = 8192;

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final InputStream in;              // blocking source, or null
    private final ReadableByteChannel channel; // non-blocking source, or null
    private final ByteBuffer channelView;      // buffer, as the channel reads into it
    final byte[] buffer;
    int position;                  // index of the next unread byte in buffer
    int limit;                     // index after the last valid byte in buffer
    private byte[] lineBuffer;     // command line being assembled; grows up to the caller's maximum
    private int lineStored;        // octets of the unfinished command line kept in lineBuffer
    private long lineTotal;        // octets of the unfinished command line consumed so far
    private DataReader body;       // the unfinished DATA body (non-blocking mode), or null
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    public SmtpInput(InputStream in) {
        this(in, DEFAULT_BUFFER_SIZE);
    }

    SmtpInput(InputStream in, int bufferSize) {
        this(Objects.requireNonNull(in, "in"), null, bufferSize);
    }

    private SmtpInput(InputStream in, ReadableByteChannel channel, int bufferSize) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be >= 1, was " + bufferSize);
        }
        this.in = in;
        this.channel = channel;
        this.buffer = new byte[bufferSize];
        this.channelView = ByteBuffer.wrap(buffer);
        this.lineBuffer = new byte[Math.min(bufferSize, 512)];
    }

    /**
     * Input from a channel in non-blocking mode: {@link #readCommandLine} and {@link #readData}
     * return {@code null} when the channel has no more bytes for now (see the class comment).
     */
    public static SmtpInput nonBlocking(ReadableByteChannel channel) {
        return nonBlocking(channel, DEFAULT_BUFFER_SIZE);
    }

    static SmtpInput nonBlocking(ReadableByteChannel channel, int bufferSize) {
        return new SmtpInput(null, Objects.requireNonNull(channel, "channel"), bufferSize);
    }

    /** Whether bytes the client sent are already buffered, unread: if so, delay flushing replies. */
    public boolean hasBufferedInput() {
        return position < limit;
    }

    /**
     * Reads one command line and returns it without its line end, decoded as UTF-8.
     *
     * @param maxLength the most octets the line may have, its CRLF included (RFC 5321 §4.5.3.1.4:
     *                  512, more with extensions)
     * @return the line; {@code null} only in non-blocking mode, when the line is not complete yet
     * @throws SmtpSyntaxException the line was consumed but is too long, holds a bare CR, or is not
     *                             UTF-8; the session may go on
     * @throws EOFException        the client closed the connection, possibly mid-line
     * @throws IOException         the connection failed or timed out
     */
    public String readCommandLine(int maxLength) throws IOException {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2, was " + maxLength);
        }
        int stored = lineStored;  // octets kept in lineBuffer; those beyond maxLength are only counted
        long total = lineTotal;   // octets of this line consumed so far, LF included once seen
        while (true) {
            if (position == limit && !fill()) {
                lineStored = stored;
                lineTotal = total;
                return null;
            }
            int lf = indexOf(LF, buffer, position, limit);
            int end = lf < 0 ? limit : lf;
            int chunk = end - position;
            int keep = Math.min(chunk, maxLength - stored);
            if (keep > 0) {
                ensureLineCapacity(stored + keep, maxLength);
                System.arraycopy(buffer, position, lineBuffer, stored, keep);
                stored += keep;
            }
            total += chunk;
            if (lf < 0) {
                position = limit;
                continue;
            }
            position = lf + 1;
            total++;
            break;
        }
        lineStored = 0;
        lineTotal = 0;
        if (total > maxLength) {
            // The rest of the line is already discarded: the client's next line is read next.
            throw new SmtpSyntaxException(LineProblem.TOO_LONG, total);
        }
        int length = stored;
        if (length > 0 && lineBuffer[length - 1] == CR) {
            length--;
        }
        if (indexOf(CR, lineBuffer, 0, length) >= 0) {
            throw new SmtpSyntaxException(LineProblem.BARE_CR, total);
        }
        return decode(length, total);
    }

    /**
     * Reads a DATA body, after the 354 reply, through its end-of-data line, and writes the
     * dot-unstuffed content with CRLF line ends to {@code sink} (RFC 5321 §4.5.2). Only
     * {@code <CR><LF>.<CR><LF>} ends the body. After a problem the rest of the body is read and
     * discarded, so smuggled text is never taken for commands; the first problem is returned.
     *
     * @param sink receives the content in bulk writes; not flushed or closed here
     * @return the outcome; {@code null} only in non-blocking mode, when the body is not complete yet
     *         (the next call goes on with the same body, limits and sink)
     * @throws EOFException the client closed the connection before the end of data
     * @throws IOException  the connection or the sink failed
     */
    public DataResult readData(DataLimits limits, OutputStream sink) throws IOException {
        if (body == null) {
            body = new DataReader(this, Objects.requireNonNull(limits, "limits"), Objects.requireNonNull(sink, "sink"));
        }
        DataResult result;
        try {
            result = body.read();
        } catch (IOException | RuntimeException failure) {
            body = null; // the connection is done for; never resume a body that failed
            throw failure;
        }
        if (result != null) {
            body = null;
        }
        return result;
    }

    /**
     * Refills the empty buffer with at least one byte; false only in non-blocking mode, when the
     * channel has nothing to read now.
     */
    boolean fill() throws IOException {
        int count;
        if (channel != null) {
            channelView.clear();
            count = channel.read(channelView);
            if (count == 0) {
                return false;
            }
        } else {
            do {
                count = in.read(buffer, 0, buffer.length);
            } while (count == 0);
        }
        if (count < 0) {
            throw new EOFException("connection closed by client");
        }
        position = 0;
        limit = count;
        return true;
    }

    static int indexOf(byte wanted, byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private void ensureLineCapacity(int needed, int maxLength) {
        if (needed > lineBuffer.length) {
            int grown = (int) Math.min(maxLength, Math.max(needed, 2L * lineBuffer.length));
            lineBuffer = java.util.Arrays.copyOf(lineBuffer, grown);
        }
    }

    private String decode(int length, long total) throws SmtpSyntaxException {
        boolean ascii = true;
        for (int i = 0; i < length; i++) {
            if (lineBuffer[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(lineBuffer, 0, length, StandardCharsets.US_ASCII);
        }
        try {
            // The JDK decoder rejects overlong forms, surrogates and truncated sequences.
            return utf8.reset().decode(ByteBuffer.wrap(lineBuffer, 0, length)).toString();
        } catch (CharacterCodingException malformed) {
            throw new SmtpSyntaxException(LineProblem.INVALID_UTF8, total);
        }
    }
}
