/**
 * The SMTP client: one session per connection that delivers messages to an MX or a smarthost.
 * No policy, no queue, no DNS, no logging.
 *
 * <p><b>Role.</b> The protocol engine under the relay's delivery agent (Postfix {@code smtp},
 * {@code smtp_proto.c}). {@link dev.steward.smtp.wire.client.ClientSession} talks to one server
 * over a socket the caller connected: greeting, EHLO (HELO fallback), STARTTLS or implicit TLS,
 * AUTH, mail transactions, RSET, QUIT. It reports facts; the relay's policies decide.
 *
 * <p><b>Inputs/outputs.</b> In: a connected {@code Socket}, {@link
 * dev.steward.smtp.wire.client.ClientTimeouts}, {@link dev.steward.smtp.wire.client.TlsSettings},
 * an {@link dev.steward.smtp.wire.client.OutboundEnvelope} and the message as an
 * {@code InputStream}. Out: {@link dev.steward.smtp.wire.client.Capabilities}, {@link
 * dev.steward.smtp.wire.client.TlsOutcome} (established with protocol, cipher and verification;
 * refused; failed), {@link dev.steward.smtp.wire.client.TransactionResult} (every reply of a
 * transaction, per recipient), and {@link dev.steward.smtp.wire.client.SmtpClientException}
 * carrying a {@link dev.steward.smtp.wire.client.ClientFailure} (rejected, timed out, connection
 * lost, protocol violation, content unreadable) with its {@link dev.steward.smtp.wire.client.Stage}
 * and elapsed time. {@link dev.steward.smtp.wire.client.TransportNeeds#scan} tells a caller
 * whether a message needs 8BITMIME or SMTPUTF8.
 *
 * <p><b>Files/queues touched.</b> None. The content stream is read once, front to back.
 *
 * <p><b>Strategy.</b> Commands are buffered and flushed once per step; with PIPELINING, MAIL, all
 * RCPTs and DATA are one write and the replies are read in order (RFC 2920 §3.1). Replies are read
 * by {@link dev.steward.smtp.wire.ReplyReader} under a per-wait deadline; the content goes through
 * {@link dev.steward.smtp.wire.DotStuffingOutputStream} into a 32 KiB buffer, 16 KiB at a time, so a
 * message is never held in memory. Each write is watched by a per-session virtual thread that
 * closes the socket if the write blocks past its limit. TLS is layered on the connected socket
 * with a fresh {@code SSLContext} whose trust manager records the PKIX and host name result
 * instead of failing (unless verification is required).
 *
 * <p><b>Failure handling.</b> Per-message replies are values. Whatever ends the conversation
 * closes the connection and throws {@code SmtpClientException}; a TLS failure is a
 * {@code TlsOutcome.Failed} and also closes it. A content stream that fails mid-DATA closes the
 * connection without the end-of-data line, so no truncated message is accepted. Unclassified
 * exceptions are not caught here; the delivery task's root catches them (STYLE B5.4).
 *
 * <p><b>Config keys.</b> None read here; the relay maps {@code [delivery]} and {@code [smarthost]}
 * settings to {@code ClientTimeouts} and {@code TlsSettings}.
 *
 * <p><b>Standards.</b> RFC 5321 §3.3 (transactions), §4.1.1 (commands), §4.2 (replies), §4.5.2
 * (dot-stuffing), §4.5.3.2 (timeouts); RFC 1870 (SIZE); RFC 2034 and RFC 3463 (enhanced status
 * codes); RFC 2920 (PIPELINING); RFC 3207 (STARTTLS); RFC 4954 and RFC 4616 (AUTH, PLAIN); RFC
 * 6152 (8BITMIME); RFC 6531 (SMTPUTF8); RFC 7435 (opportunistic security); RFC 8314 (implicit
 * TLS); RFC 6125 and RFC 7817 (server identity).
 *
 * <p><b>Security.</b> The server is untrusted: reply lines and counts are bounded, control
 * characters are replaced, and plaintext after a STARTTLS 220 fails the upgrade (the client side
 * of CVE-2011-0411). Envelope addresses and the EHLO name cannot carry CR, LF or angle brackets.
 * Bare CR and LF in the content are sent as CRLF so no receiver sees an early end of data. AUTH
 * needs TLS, and credentials appear only on the wire.
 */
package dev.steward.smtp.wire.client;
