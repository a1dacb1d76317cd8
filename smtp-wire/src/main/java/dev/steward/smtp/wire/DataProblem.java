package dev.steward.smtp.wire;

/**
 * Why {@link SmtpInput#readData} refused a message. Only the first problem seen is reported; the
 * body is read to its real end either way, so the session stays in step with the client.
 *
 * <p>Thread safety: immutable.
 */
public enum DataProblem {
    /** The unstuffed content is larger than {@link DataLimits#maxMessageSize()}. */
    TOO_LARGE,
    /** A line is longer than {@link DataLimits#maxLineLength()} octets including its CRLF (RFC 5321 §4.5.3.1.6). */
    LINE_TOO_LONG,
    /** A CR not followed by LF (RFC 5321 §2.3.8). */
    BARE_CR,
    /** A line ended in LF without CR while {@link BareLf#REJECT} was in force. */
    BARE_LF,
    /**
     * A line consisting of "." that is not a valid end-of-data: a bare LF ends it or the line
     * before it. This is an SMTP smuggling attempt (CVE-2023-51764, -51765, -51766).
     */
    NONSTANDARD_END_OF_DATA
}
