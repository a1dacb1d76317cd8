package dev.steward.mail.dkim;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;

/**
 * Streaming body canonicalization (RFC 6376 §3.4.3 simple, §3.4.4 relaxed) into a sink, usually a
 * SHA-256 digest, with the optional {@code l=} length limit (§3.5; verification only).
 *
 * <p>Input arrives in any chunking. One line is buffered at a time; empty lines are only counted,
 * because trailing empty lines are dropped and the others are written once a non-empty line
 * follows.
 *
 * <p>Thread safety: single-threaded.
 */
final class BodyHasher {

    /** Where canonical bytes go. */
    interface Sink {
        void write(byte[] bytes, int offset, int length);
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private final Canonicalization canonicalization;
    private final long limit; // l= value, or -1 for the whole body
    private final Sink sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(); // current line, no CRLF
    private boolean pendingCr; // the last byte seen was a CR that may start a CRLF
    private long emptyLines; // empty lines held back (dropped if nothing else follows)
    private long canonicalLength; // canonical bytes produced so far, ignoring the limit
    private boolean finished; // finish() was called

    BodyHasher(Canonicalization canonicalization, long limit, Sink sink) {
        this.canonicalization = canonicalization;
        this.limit = limit;
        this.sink = sink;
    }

    /** A hasher that writes into {@code digest}. */
    static BodyHasher into(Canonicalization canonicalization, long limit, MessageDigest digest) {
        return new BodyHasher(canonicalization, limit, digest::update);
    }

    void update(byte[] bytes, int offset, int length) {
        if (finished) {
            throw new IllegalStateException("body already finished");
        }
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    endLine();
                    continue;
                }
                line.write('\r'); // a bare CR is line content
            }
            if (b == '\r') {
                pendingCr = true;
            } else {
                line.write(b);
            }
        }
    }

    /** Ends the body: a last line without CRLF gets one, and an empty simple body becomes CRLF. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (pendingCr) {
            line.write('\r');
            pendingCr = false;
        }
        if (line.size() > 0) {
            endLine(); // RFC 6376 §3.4.4 / §3.4.3: a final line without CRLF is completed
        }
        if (canonicalization == Canonicalization.SIMPLE && canonicalLength == 0) {
            emit(CRLF, 0, 2); // §3.4.3: an empty body is one CRLF
        }
    }

    /** Canonical body length before the limit is applied; final after {@link #finish()}. */
    long canonicalLength() {
        return canonicalLength;
    }

    private void endLine() {
        byte[] content = line.toByteArray();
        line.reset();
        int length = content.length;
        if (canonicalization == Canonicalization.RELAXED) {
            length = compressWhitespace(content);
        }
        if (length == 0) {
            emptyLines++;
            return;
        }
        for (; emptyLines > 0; emptyLines--) {
            emit(CRLF, 0, 2);
        }
        emit(content, 0, length);
        emit(CRLF, 0, 2);
    }

    /** §3.4.4: WSP runs become one SP and WSP at the end of the line goes; returns the new length. */
    private static int compressWhitespace(byte[] content) {
        int out = 0;
        boolean pendingSpace = false;
        for (byte b : content) {
            if (b == ' ' || b == '\t') {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace) {
                content[out++] = ' ';
                pendingSpace = false;
            }
            content[out++] = b;
        }
        return out;
    }

    private void emit(byte[] bytes, int offset, int length) {
        long allowed = limit < 0 ? length : Math.max(0, Math.min(length, limit - canonicalLength));
        if (allowed > 0) {
            sink.write(bytes, offset, (int) allowed);
        }
        canonicalLength += length;
    }
}
