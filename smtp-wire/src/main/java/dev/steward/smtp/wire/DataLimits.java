package dev.steward.smtp.wire;

import java.util.Objects;

/**
 * Limits for one DATA body read by {@link SmtpInput#readData}.
 *
 * @param maxMessageSize largest accepted content in octets, counted after dot-unstuffing and with
 *                       CRLF line ends; a message of exactly this size is accepted
 * @param maxLineLength  longest accepted line in octets including its CRLF and not counting a
 *                       stuffing dot (RFC 5321 §4.5.3.1.6: at least 1000); at least 3
 * @param bareLf         what to do with a line ended by a bare LF
 *
 * <p>Thread safety: immutable.
 */
public record DataLimits(long maxMessageSize, int maxLineLength, BareLf bareLf) {

    /** RFC 5321 §4.5.3.1.6: the maximum total length of a text line including the CRLF. */
    public static final int RFC5321_LINE_LENGTH = 1000;

    public DataLimits {
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("maxMessageSize must be >= 0, was " + maxMessageSize);
        }
        if (maxLineLength < 3) {
            throw new IllegalArgumentException("maxLineLength must be >= 3 (\".\" CR LF), was " + maxLineLength);
        }
        Objects.requireNonNull(bareLf, "bareLf");
    }

    /** The RFC 5321 line length and {@link BareLf#NORMALIZE}, with the given size limit. */
    public static DataLimits withDefaults(long maxMessageSize) {
        return new DataLimits(maxMessageSize, RFC5321_LINE_LENGTH, BareLf.NORMALIZE);
    }
}
