package dev.steward.smtp.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes a message's content as the body of a DATA command (RFC 5321 §4.5.2): every line that
 * starts with {@code "."} gets one more {@code "."}, and {@link #finish()} writes the end-of-data
 * line, after a CRLF if the content did not end with one.
 *
 * <p>The content is expected with CRLF line ends (the queue stores it that way). A bare CR or a
 * bare LF is sent as CRLF and counted in {@link #lineEndsRepaired()}: passing it through could let
 * a receiver see an end of data inside the message (SMTP smuggling, CVE-2023-51764), and it would
 * be refused by strict receivers anyway. With CRLF content the output is the content byte for
 * byte, plus the stuffing dots and the end-of-data line.
 *
 * <p>Streaming: runs of unchanged bytes, found eight octets at a time ({@link LineEnds}), are
 * written straight from the caller's array; nothing is buffered here, so wrap the target in a
 * {@code BufferedOutputStream} if writes are small.
 * {@link #close()} neither writes the end of data nor closes the target: a body cut short by an
 * error (the content could not be read) must never be terminated, or the server would accept a
 * truncated message. Call {@link #finish()} exactly when the whole content was written.
 *
 * <p>Thread safety: single-threaded; one instance per message.
 */
public final class DotStuffingOutputStream extends OutputStream {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';
    private static final byte[] CRLF = {CR, LF};
    private static final byte[] END_OF_DATA = {DOT, CR, LF};

    private final OutputStream out;
    private boolean lineStart = true;   // the next content byte is the first of a line
    private boolean pendingCr;          // the last content byte was a CR, not yet written
    private boolean finished;           // finish() has written the end of data
    private long contentBytes;          // content octets accepted, before stuffing
    private long lineEndsRepaired;      // bare CRs and bare LFs sent as CRLF

    public DotStuffingOutputStream(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (finished) {
            throw new IllegalStateException("end of data already written");
        }
        contentBytes += length;
        int end = offset + length;
        int i = offset;
        if (pendingCr && i < end) {
            // The previous write ended in a CR (held back, not written): this byte says what it was.
            pendingCr = false;
            out.write(CRLF);
            lineStart = true;
            if (bytes[i] == LF) {
                i++;
            } else {
                lineEndsRepaired++;
            }
        }
        // bytes[runStart, i) are unchanged content not yet written. A well-formed CRLF stays in the
        // run, so clean content costs one write per call, not two per line.
        int runStart = i;
        while (i < end) {
            if (lineStart) {
                lineStart = false;
                if (bytes[i] == DOT) {
                    writeRun(bytes, runStart, i);
                    out.write(DOT);
                    runStart = i;   // the content's own dot starts the next run
                }
            }
            i = LineEnds.next(bytes, i, end);
            if (i == end) {
                break;
            }
            boolean cr = bytes[i] == CR;
            if (cr && i + 1 < end && bytes[i + 1] == LF) {
                i += 2;
                lineStart = true;
            } else if (cr && i + 1 == end) {
                writeRun(bytes, runStart, i);
                pendingCr = true;   // CR LF split across two writes, or a bare CR: the next byte tells
                runStart = ++i;
            } else {
                // A bare CR or a bare LF: sent as CRLF.
                writeRun(bytes, runStart, i);
                out.write(CRLF);
                lineEndsRepaired++;
                lineStart = true;
                runStart = ++i;
            }
        }
        writeRun(bytes, runStart, end);
    }

    /**
     * Ends the body: a CRLF if the content did not end with one, then {@code "." CRLF}. Does not
     * flush or close the target. At most once.
     */
    public void finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("end of data already written");
        }
        if (pendingCr) {
            pendingCr = false;
            out.write(CRLF);
            lineEndsRepaired++;
            lineStart = true;
        }
        if (!lineStart) {
            // RFC 5321 §4.1.1.4: the end-of-data indication is CRLF "." CRLF, so the last line needs its CRLF.
            out.write(CRLF);
        }
        out.write(END_OF_DATA);
        finished = true;
    }

    /** Content octets written so far, before stuffing and repairs. */
    public long contentBytes() {
        return contentBytes;
    }

    /** Bare CRs and bare LFs in the content that were sent as CRLF; zero for well-formed content. */
    public long lineEndsRepaired() {
        return lineEndsRepaired;
    }

    /** Flushes the target. */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Does nothing: neither ends the body nor closes the target (see the class comment). */
    @Override
    public void close() {
    }

    private void writeRun(byte[] bytes, int from, int to) throws IOException {
        if (to > from) {
            out.write(bytes, from, to - from);
        }
    }
}
