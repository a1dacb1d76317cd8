package dev.steward.smtp.wire;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Reads one DATA body for {@link SmtpInput#readData}: a byte-level line state machine over the
 * input's buffer that scans runs between CR and LF ({@link LineEnds}, eight octets at a time) and
 * writes them in bulk.
 *
 * <p>Output is kept as a window of buffer bytes that are copied unchanged; the window is written
 * when the output stops matching the input (a removed stuffing dot, a normalized bare LF, a CRLF
 * split across reads) and before every refill, so a clean message costs one write per read.
 *
 * <p>Resumable: {@link #read} returns {@code null} when a non-blocking input has nothing more for
 * now, with all of its state in fields, and goes on where it stopped when called again.
 *
 * <p>Thread safety: single-threaded; one instance per body.
 */
final class DataReader {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';
    private static final byte[] CRLF = {CR, LF};

    private final SmtpInput input;
    private final DataLimits limits;
    private final OutputStream sink;
    private final byte[] buffer;

    private DataProblem problem;          // first problem seen; null while the message is acceptable
    private long size;                    // content octets accepted (written or in the window)
    private long bytesRead;               // octets consumed from the connection
    private boolean eightBit;             // a content octet had its high bit set
    private long lineLength;              // unstuffed content octets of the current line, no line end
    private boolean lineStart = true;     // the next byte is the first of a line
    private boolean dotOnly;              // the current line so far is exactly its leading "."
    private boolean previousCrlf = true;  // the previous line ended in a real CRLF (the DATA command did)
    private boolean pendingCr;            // a CR ended the last read; its meaning depends on the next byte
    private int windowStart = -1;         // accepted bytes buffer[windowStart, windowEnd) not yet written
    private int windowEnd = -1;

    DataReader(SmtpInput input, DataLimits limits, OutputStream sink) {
        this.input = input;
        this.limits = limits;
        this.sink = sink;
        this.buffer = input.buffer;
    }

    DataResult read() throws IOException {
        byte[] bytes = buffer;
        while (true) {
            if (input.position == input.limit) {
                flush();
                if (!input.fill()) {
                    return null; // non-blocking input, nothing more for now: every state is in fields
                }
            }
            int p = input.position;
            int end = input.limit;
            if (pendingCr) {
                pendingCr = false;
                if (bytes[p] == LF) {
                    advance(p + 1);
                    if (endLine(true, -1)) {
                        return finish();
                    }
                    continue;
                }
                bareCr();
            }
            if (lineStart) {
                lineStart = false;
                if (bytes[p] == DOT) {
                    // RFC 5321 §4.5.2: drop exactly one leading dot; "." alone may end the data.
                    dotOnly = true;
                    p++;
                    if (p == end) {
                        advance(p);
                        continue;
                    }
                }
            }
            int runStart = p;
            p = LineEnds.next(bytes, p, end);
            if (p > runStart) {
                dotOnly = false;
                if (!eightBit && LineEnds.anyEightBit(bytes, runStart, p)) {
                    eightBit = true;
                }
                content(runStart, p);
            }
            if (p == end) {
                advance(p);
            } else if (bytes[p] == LF) {
                advance(p + 1);
                if (endLine(false, -1)) {
                    return finish();
                }
            } else if (p + 1 == end) {
                pendingCr = true;
                advance(p + 1);
            } else if (bytes[p + 1] == LF) {
                advance(p + 2);
                if (endLine(true, p)) {
                    return finish();
                }
            } else {
                advance(p + 1);
                bareCr();
            }
        }
    }

    private void advance(int newPosition) {
        bytesRead += newPosition - input.position;
        input.position = newPosition;
    }

    private void bareCr() {
        // RFC 5321 §2.3.8: a CR without LF is never a line end; taking it for one enables smuggling.
        dotOnly = false;
        fail(DataProblem.BARE_CR);
    }

    private void content(int from, int to) throws IOException {
        if (problem != null) {
            return;
        }
        long lineRoom = limits.maxLineLength() - CRLF.length - lineLength; // octets this line may still add
        lineLength += to - from;
        if (lineLength + CRLF.length > limits.maxLineLength()) {
            // Name the limit that the octets reach first, as if read one at a time: otherwise the
            // problem would depend on how the reads split the line.
            fail(limits.maxMessageSize() - size < lineRoom ? DataProblem.TOO_LARGE : DataProblem.LINE_TOO_LONG);
            return;
        }
        accept(from, to);
    }

    /**
     * Ends the current line.
     *
     * @param crlf          the line end was CR LF (not a bare LF)
     * @param crlfAtIndex   where the CR LF sits in the buffer, or -1 if it was split across reads
     * @return whether this line was the end of data
     */
    private boolean endLine(boolean crlf, int crlfAtIndex) throws IOException {
        boolean dotLine = dotOnly;
        boolean afterCrlf = previousCrlf;
        dotOnly = false;
        lineStart = true;
        previousCrlf = crlf;
        lineLength = 0;
        if (dotLine) {
            if (crlf && afterCrlf) {
                return true;
            }
            // "." next to a bare LF: a receiver that accepts it can be made to end the message early.
            fail(DataProblem.NONSTANDARD_END_OF_DATA);
            return false;
        }
        if (problem != null) {
            return false;
        }
        if (!crlf && limits.bareLf() == BareLf.REJECT) {
            fail(DataProblem.BARE_LF);
        } else if (crlfAtIndex >= 0) {
            accept(crlfAtIndex, crlfAtIndex + CRLF.length);
        } else if (fits(CRLF.length)) {
            flush();
            sink.write(CRLF);
            size += CRLF.length;
        }
        return false;
    }

    private void accept(int from, int to) throws IOException {
        if (!fits(to - from)) {
            return;
        }
        size += to - from;
        if (windowStart >= 0 && windowEnd == from) {
            windowEnd = to;
            return;
        }
        flush();
        windowStart = from;
        windowEnd = to;
    }

    private boolean fits(long octets) {
        if (size + octets > limits.maxMessageSize()) {
            fail(DataProblem.TOO_LARGE);
            return false;
        }
        return true;
    }

    private void fail(DataProblem seen) {
        if (problem == null) {
            problem = seen;
        }
        // The message is refused: what is still buffered is never written.
        windowStart = -1;
    }

    private void flush() throws IOException {
        if (windowStart >= 0) {
            sink.write(buffer, windowStart, windowEnd - windowStart);
            windowStart = -1;
        }
    }

    private DataResult finish() throws IOException {
        if (problem != null) {
            return new DataResult.Refused(problem, bytesRead);
        }
        flush();
        return new DataResult.Complete(size, eightBit);
    }
}
