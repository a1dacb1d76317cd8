package dev.steward.smtp.wire;

/**
 * What {@link SmtpInput#readData} does with a DATA line that ends in a bare LF instead of CRLF
 * (RFC 5321 §2.3.8: clients MUST NOT send one; many local applications do anyway).
 *
 * <p>A line consisting of "." is never accepted as end-of-data when a bare LF precedes or ends it,
 * in either mode: that is the SMTP smuggling pattern ({@link DataProblem#NONSTANDARD_END_OF_DATA}).
 *
 * <p>Thread safety: immutable.
 */
public enum BareLf {
    /** Treat the bare LF as a line end and write CRLF (Postfix {@code smtpd_forbid_bare_newline = normalize}). */
    NORMALIZE,
    /** Refuse the message with {@link DataProblem#BARE_LF} (Postfix {@code smtpd_forbid_bare_newline = reject}). */
    REJECT
}
