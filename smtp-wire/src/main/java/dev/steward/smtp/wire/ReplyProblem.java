package dev.steward.smtp.wire;

/**
 * Why {@link ReplyReader#read} could not return a reply. Each one means the server is not
 * speaking SMTP as RFC 5321 §4.2 defines it (or is not an SMTP server at all); the client cannot
 * tell where the next reply starts and should drop the connection.
 *
 * <p>Thread safety: immutable.
 */
public enum ReplyProblem {
    /** A line longer than the reader's limit, its line end included. */
    LINE_TOO_LONG,
    /** More lines in one reply than the reader's limit. */
    TOO_MANY_LINES,
    /** A line that does not start with a three-digit code whose first digit is 2 to 5. */
    BAD_CODE,
    /** After the code, neither a space, a hyphen, nor the end of the line. */
    BAD_SEPARATOR,
    /** A continuation line whose code differs from the first line's (RFC 5321 §4.2.1). */
    CODE_CHANGED
}
