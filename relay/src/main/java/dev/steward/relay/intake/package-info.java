/**
 * The SMTP intake: the listener applications on this server talk to (Postfix smtpd, for a
 * send-only null client).
 *
 * <p><b>Role.</b> Accept SMTP from local applications, enforce who may connect and who may send,
 * read DATA safely, and hand complete messages to cleanup, which answers 250 only once the
 * message is durable.
 *
 * <p><b>Inputs/outputs.</b> TCP connections on {@code [intake] listen}; out: {@link
 * dev.steward.relay.intake.ReceivedMessage} to a {@link dev.steward.relay.intake.MessageSink};
 * log lines {@code intake_session} (one per session), {@code intake_reject} (one per refusal),
 * {@code intake_timeout}.
 *
 * <p><b>Files/queues touched.</b> Message content beyond 128 KiB spills into the queue's
 * {@code tmp/} while DATA is read; the spill file is deleted when the message is stored or refused.
 *
 * <p><b>Strategy.</b> One event-loop thread for every connection, non-blocking I/O, each session a
 * state machine; complete messages are committed on commit threads (the commit waits for the
 * disk). A semaphore bounds {@code max_connections}. Replies are flushed only when no pipelined
 * input is waiting (RFC 2920). DATA is read by {@link dev.steward.smtp.wire.SmtpInput#readData},
 * which ends only at {@code <CR><LF>.<CR><LF>} and resumes where it stopped as bytes arrive.
 * Content goes to the session's {@link dev.steward.relay.intake.SpoolBuffer}: its own 8 KiB array,
 * then one 128 KiB array from a pool of at most 16 that the intake keeps (2 MiB), given back once
 * the message is answered, so a busy intake does not allocate per message.
 *
 * <p><b>Failure handling.</b> Client errors get 5xx/4xx replies and count towards
 * {@code max_errors}; timeouts get 421 4.4.2. The timeouts are deadlines, not per-read timers
 * (checked by the loop, {@code IntakeSession.deadline}): a whole command line within {@code command_timeout}, each
 * {@code max_line_length} octets of DATA within {@code data_timeout}, so a client that sends a
 * byte at a time cannot hold a session; an unexpected exception in a session is logged with
 * its stack once and answered 421 4.3.0 — the message is then not acknowledged, so not lost.
 * Past {@code max_junk_commands} NOOP/RSET/VRFY/HELP commands each further one counts as an
 * error (Postfix's {@code smtpd_junk_command_limit}), so complete but useless commands cannot
 * hold a session either.
 *
 * <p><b>Config keys.</b> {@code [intake] listen, allowed_clients, app_domains, max_message_size,
 * max_recipients, max_line_length, max_command_length, command_timeout, data_timeout,
 * max_connections, stress_command_timeout, max_errors, max_junk_commands, bare_lf}; {@code [server] hostname}.
 *
 * <p><b>Standards.</b> RFC 5321 (§3.5.3 VRFY, §4.1.1, §4.1.4, §4.5.2, §4.5.3.1 limits,
 * §4.5.3.2 timeouts), RFC 1870 SIZE, RFC 6152 8BITMIME, RFC 6531 SMTPUTF8, RFC 2920
 * PIPELINING, RFC 2034/3463 enhanced status codes.
 *
 * <p><b>Security.</b> Everything a client sends is untrusted. Non-loopback clients outside
 * {@code allowed_clients} get 554 5.7.1 whatever the listen address (never an open relay);
 * sender confinement (MAIL-2) on the envelope here and on the header From in cleanup; reply texts
 * never carry paths, errno values or resolver addresses; log values are escaped.
 */
package dev.steward.relay.intake;
