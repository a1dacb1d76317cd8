package dev.steward.smtp.wire;

/**
 * Why {@link SmtpInput#readCommandLine} could not return a command line. In every case the
 * offending line has been consumed through its LF, so the session can answer and go on.
 *
 * <p>Thread safety: immutable.
 */
public enum LineProblem {
    /** Longer than the allowed octets including the line end; suggested reply {@code 500 5.5.2}. */
    TOO_LONG,
    /** A CR not followed by LF inside the line (RFC 5321 §2.3.8); suggested reply {@code 500 5.5.2}. */
    BARE_CR,
    /** Not valid UTF-8 (RFC 6531 allows UTF-8, nothing else); suggested reply {@code 500 5.5.2}. */
    INVALID_UTF8
}
