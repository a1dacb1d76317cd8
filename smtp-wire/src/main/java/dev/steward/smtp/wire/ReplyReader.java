package dev.steward.smtp.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The client side of one SMTP connection's input: reads server replies (RFC 5321 §4.2), single-
 * or multi-line ({@code 250-first} ... {@code 250 last}), through one private byte buffer.
 *
 * <p>An enhanced status code (RFC 3463, RFC 2034 §3) is taken from the start of the first line's
 * text when it is well formed and its class matches the reply code's first digit; it is then
 * removed from every line that repeats it, so {@link SmtpReply#lines()} holds the bare text.
 * Without one (a greeting, an EHLO reply, a server without ENHANCEDSTATUSCODES) the text is kept
 * as sent and {@link SmtpReply#enhancedStatus()} is null.
 *
 * <p>Lenient where real servers deviate and harmless: a bare LF ends a line; a line of just the
 * code ({@code 250}) is a reply with empty text; text that is not UTF-8 is decoded with U+FFFD
 * replacements; control characters are replaced by spaces ({@link SmtpReply}). Strict where the
 * reply structure itself is in doubt: see {@link ReplyProblem}. Limits are checked before any
 * allocation grows: a line is never stored beyond {@link #maxLineLength()} octets.
 *
 * <p>End of stream is {@link EOFException}, also in the middle of a reply; a socket read timeout
 * propagates as {@link java.net.SocketTimeoutException}. After any exception the connection
 * should be closed.
 *
 * <p>After a {@code 220} to STARTTLS the client must check {@link #hasBufferedInput()}: bytes
 * already buffered were sent in plaintext after the reply, an injection attempt (the client-side
 * twin of CVE-2011-0411), and the TLS stream needs a new reader anyway.
 *
 * <p>Thread safety: single-threaded (one connection, one thread at a time).
 */
public final class ReplyReader {

    /**
     * Default longest reply line in octets, its line end included. RFC 5321 §4.5.3.1.5 allows
     * 512; real servers send longer explanations, so this follows Postfix's
     * {@code line_length_limit} (2048).
     */
    public static final int DEFAULT_MAX_LINE_LENGTH = 2048;

    /** Default most lines in one reply; an EHLO reply has one per extension, about 10 to 20. */
    public static final int DEFAULT_MAX_LINES = 100;

    static final int DEFAULT_BUFFER_SIZE = 4096;

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final InputStream in;
    private final int maxLineLength;
    private final int maxLines;
    private final byte[] buffer;
    private int position;          // index of the next unread byte in buffer
    private int limit;             // index after the last valid byte in buffer
    private final byte[] line;     // the reply line being assembled, at most maxLineLength octets

    /** A reader with {@link #DEFAULT_MAX_LINE_LENGTH} and {@link #DEFAULT_MAX_LINES}. */
    public ReplyReader(InputStream in) {
        this(in, DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_LINES);
    }

    /**
     * @param maxLineLength the most octets a reply line may have, its line end included; at
     *                      least 5 ({@code 250} CR LF)
     * @param maxLines      the most lines one reply may have; at least 1
     */
    public ReplyReader(InputStream in, int maxLineLength, int maxLines) {
        this(in, maxLineLength, maxLines, DEFAULT_BUFFER_SIZE);
    }

    ReplyReader(InputStream in, int maxLineLength, int maxLines, int bufferSize) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxLineLength < 5) {
            throw new IllegalArgumentException("maxLineLength must be >= 5, was " + maxLineLength);
        }
        if (maxLines < 1) {
            throw new IllegalArgumentException("maxLines must be >= 1, was " + maxLines);
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be >= 1, was " + bufferSize);
        }
        this.maxLineLength = maxLineLength;
        this.maxLines = maxLines;
        this.buffer = new byte[bufferSize];
        this.line = new byte[maxLineLength];
    }

    public int maxLineLength() {
        return maxLineLength;
    }

    public int maxLines() {
        return maxLines;
    }

    /** Whether bytes the server sent are already buffered, unread. */
    public boolean hasBufferedInput() {
        return position < limit;
    }

    /**
     * Reads one complete reply, all its lines.
     *
     * @throws MalformedReplyException the server sent something that is not a reply
     * @throws EOFException            the server closed the connection, possibly mid-reply
     * @throws IOException             the connection failed or timed out
     */
    public SmtpReply read() throws IOException {
        int code = -1;
        List<String> texts = new ArrayList<>(4);
        while (true) {
            String text = readLine();
            if (text.length() < 3 || !isCode(text)) {
                throw new MalformedReplyException(ReplyProblem.BAD_CODE, text);
            }
            int lineCode = Integer.parseInt(text, 0, 3, 10);
            if (code < 0) {
                code = lineCode;
            } else if (lineCode != code) {
                throw new MalformedReplyException(ReplyProblem.CODE_CHANGED, text);
            }
            boolean last;
            if (text.length() == 3) {
                last = true;
            } else if (text.charAt(3) == ' ') {
                last = true;
            } else if (text.charAt(3) == '-') {
                last = false;
            } else {
                throw new MalformedReplyException(ReplyProblem.BAD_SEPARATOR, text);
            }
            texts.add(text.length() <= 4 ? "" : text.substring(4));
            if (last) {
                return build(code, texts);
            }
            if (texts.size() == maxLines) {
                throw new MalformedReplyException(ReplyProblem.TOO_MANY_LINES, text);
            }
        }
    }

    /** Reads one line through its LF and returns it without CR LF, decoded as UTF-8 with replacements. */
    private String readLine() throws IOException {
        int stored = 0;
        while (true) {
            if (position == limit) {
                fill();
            }
            int lf = SmtpInput.indexOf(LF, buffer, position, limit);
            int end = lf < 0 ? limit : lf;
            int chunk = end - position;
            // The LF itself counts towards the limit, so at most maxLineLength - 1 octets precede it.
            if (stored + chunk > maxLineLength - 1) {
                int keep = Math.min(chunk, maxLineLength - stored);
                System.arraycopy(buffer, position, line, stored, keep);
                throw new MalformedReplyException(ReplyProblem.LINE_TOO_LONG,
                        new String(line, 0, Math.min(stored + keep, MalformedReplyException.EXCERPT_LENGTH + 1),
                                StandardCharsets.UTF_8));
            }
            System.arraycopy(buffer, position, line, stored, chunk);
            stored += chunk;
            if (lf < 0) {
                position = limit;
                continue;
            }
            position = lf + 1;
            break;
        }
        if (stored > 0 && line[stored - 1] == CR) {
            stored--;
        }
        return new String(line, 0, stored, StandardCharsets.UTF_8);
    }

    private static boolean isCode(String text) {
        char first = text.charAt(0);
        return first >= '2' && first <= '5' && isDigit(text.charAt(1)) && isDigit(text.charAt(2));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static SmtpReply build(int code, List<String> texts) {
        String enhanced = enhancedPrefix(texts.get(0));
        if (enhanced == null || enhanced.charAt(0) - '0' != code / 100) {
            return new SmtpReply(code, null, texts);
        }
        List<String> stripped = new ArrayList<>(texts.size());
        for (String text : texts) {
            // RFC 2034 §3: every line carries the code; a line that does not keeps its text whole.
            stripped.add(enhanced.equals(enhancedPrefix(text)) ? text.substring(Math.min(text.length(), enhanced.length() + 1)) : text);
        }
        return new SmtpReply(code, enhanced, stripped);
    }

    /** RFC 3463 {@code class.subject.detail} at the start of {@code text}, followed by a space or the end; else null. */
    static String enhancedPrefix(String text) {
        if (text.isEmpty() || text.charAt(0) < '2' || text.charAt(0) > '5' || text.charAt(0) == '3') {
            return null;
        }
        int at = 1;
        for (int part = 0; part < 2; part++) {
            if (at >= text.length() || text.charAt(at) != '.') {
                return null;
            }
            at++;
            int digits = 0;
            while (at < text.length() && isDigit(text.charAt(at)) && digits < 4) {
                at++;
                digits++;
            }
            if (digits == 0 || digits > 3) {
                return null;
            }
        }
        if (at < text.length() && text.charAt(at) != ' ') {
            return null;
        }
        return text.substring(0, at);
    }

    private void fill() throws IOException {
        int count;
        do {
            count = in.read(buffer, 0, buffer.length);
        } while (count == 0);
        if (count < 0) {
            throw new EOFException("connection closed by server");
        }
        position = 0;
        limit = count;
    }
}
