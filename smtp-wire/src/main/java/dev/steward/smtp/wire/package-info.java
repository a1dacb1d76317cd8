/**
 * SMTP wire handling: for the server side of a connection, command lines, DATA bodies, command
 * arguments and replies; for the client side, reply parsing and dot-stuffing. No policy, no queue,
 * no sockets (the client session over a socket is in {@link dev.steward.smtp.wire.client}).
 *
 * <p><b>Role.</b> The codec under the relay's intake (Postfix {@code smtpd} reading with
 * {@code smtp_get}/{@code smtp_stream}). It turns the client's bytes into command lines, verbs,
 * paths and a dot-unstuffed message body, and server replies into bytes. It reports facts
 * ({@link dev.steward.smtp.wire.LineProblem}, {@link dev.steward.smtp.wire.DataProblem},
 * {@link dev.steward.smtp.wire.CommandSyntaxException}); the session decides what to answer.
 *
 * <p><b>Inputs/outputs.</b> {@link dev.steward.smtp.wire.SmtpInput} wraps a blocking
 * {@code InputStream} (one virtual thread per connection) and yields command lines as
 * {@code String}s and DATA bodies written to an {@code OutputStream} with a sealed
 * {@link dev.steward.smtp.wire.DataResult}. {@link dev.steward.smtp.wire.CommandParser} turns lines
 * into {@link dev.steward.smtp.wire.SmtpCommand} and MAIL/RCPT arguments into
 * {@link dev.steward.smtp.wire.PathCommand}. {@link dev.steward.smtp.wire.SmtpReply#toBytes()}
 * renders replies. On the client side {@link dev.steward.smtp.wire.ReplyReader} turns server bytes
 * into {@link dev.steward.smtp.wire.SmtpReply} values (enhanced status code split off) or a
 * {@link dev.steward.smtp.wire.MalformedReplyException}, and
 * {@link dev.steward.smtp.wire.DotStuffingOutputStream} writes message content as a DATA body.
 *
 * <p><b>Files/queues touched.</b> None.
 *
 * <p><b>Strategy.</b> One 8 KiB buffer per connection. Command lines: scan for LF, copy at most the
 * line limit, count the rest, then check the terminator, bare CRs and UTF-8. DATA: a byte-level
 * line state machine (line start, "." seen, CR pending across reads, previous line ended in CRLF)
 * scans runs between CR/LF and writes unchanged runs straight from the buffer in bulk. Only a
 * line "." that ends in CRLF and follows a CRLF ends the body; the leading dot of any other line is
 * removed. After the first problem the body is still read to that end, writing nothing, so the
 * session never takes message text for commands. Replies: one line at a time into a buffer of the
 * line limit, the code checked on every line, the enhanced code taken from the first. Stuffing: a
 * three-state machine (line start, in line, CR pending) that writes unchanged runs from the
 * caller's array.
 *
 * <p><b>Failure handling.</b> Bad command lines are consumed whole and reported as
 * {@link dev.steward.smtp.wire.SmtpSyntaxException} (the session answers {@code 500 5.5.2} and
 * reads on). A bad body is reported as {@link dev.steward.smtp.wire.DataResult.Refused} with the
 * first problem, after the end of data. A malformed server reply is
 * {@link dev.steward.smtp.wire.MalformedReplyException} with a {@link dev.steward.smtp.wire.ReplyProblem}.
 * End of stream is {@code EOFException}; read timeouts propagate as
 * {@code SocketTimeoutException}; all of these end the session.
 *
 * <p><b>Config keys.</b> None read here; the intake passes its limits in
 * ({@link dev.steward.smtp.wire.DataLimits}: message size, line length, bare-LF handling; the
 * command line length).
 *
 * <p><b>Standards.</b> RFC 5321 §2.3.8 (CRLF only, no bare CR or LF), §4.1.1 (commands),
 * §4.1.2 (path and esmtp-param syntax), §4.5.2 (transparency: dot-stuffing), §4.5.3.1 (line and
 * size limits); RFC 2920 (pipelining: flush only when no input is buffered); RFC 3463 and
 * RFC 2034 (enhanced status codes on every reply line); RFC 6531 (UTF-8 commands).
 *
 * <p><b>Security.</b> Everything read here is untrusted: a client on localhost relays text from
 * web forms and other users. Limits are enforced before allocation (a long line is counted, not
 * stored). Bare CR and LF handling and the strict end-of-data rule defeat SMTP smuggling
 * (CVE-2023-51764 Postfix, CVE-2023-51765 Sendmail, CVE-2023-51766 Exim): no sequence other than
 * {@code <CR><LF>.<CR><LF>} ends a body, and a message holding a near miss is refused.
 * Verbs and parameter keywords are matched in ASCII only. Server replies are untrusted too: line
 * length and line count are bounded (2048 octets, 100 lines by default), and content sent by the
 * client has bare CR and LF turned into CRLF, so our own output can never smuggle an end of data. Reply text has control characters
 * replaced so it cannot inject reply lines. After STARTTLS the session must refuse to go on if
 * {@link dev.steward.smtp.wire.SmtpInput#hasBufferedInput()} (CVE-2011-0411).
 */
package dev.steward.smtp.wire;
