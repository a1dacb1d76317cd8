package dev.steward.smtp.wire.client;

/**
 * Where in an SMTP client conversation something happened: the command whose reply was awaited
 * or whose bytes were being written. Timeouts, dropped connections and rejections name their
 * stage, so a log line says {@code RCPT timed out}, not just {@code timed out}.
 *
 * <p>Thread safety: immutable.
 */
public enum Stage {
    /** Opening the TCP connection; used by the caller, which connects the socket. */
    CONNECT,
    /** Waiting for the server's 220 greeting. */
    GREETING,
    /** EHLO, and HELO when EHLO is refused. */
    EHLO,
    /** The STARTTLS command and the TLS handshake, also the handshake of implicit TLS. */
    STARTTLS,
    /** AUTH and its challenge-response exchange. */
    AUTH,
    /** MAIL FROM. */
    MAIL,
    /** RCPT TO. */
    RCPT,
    /** The DATA command, waiting for 354. */
    DATA,
    /** Writing the message content (RFC 5321 §4.5.3.2.5, the data block timeout). */
    CONTENT,
    /** The end-of-data line, waiting for the final reply (RFC 5321 §4.5.3.2.6). */
    DOT,
    /** RSET. */
    RSET,
    /** QUIT. */
    QUIT
}
