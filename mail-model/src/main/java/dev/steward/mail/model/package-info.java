/**
 * The mail vocabulary shared by every Steward program: domain names, mailbox addresses, enhanced
 * status codes and delivery status values.
 *
 * <p><b>Role.</b> Value types that hold only valid, normalised data, so that code further on
 * (intake, policy, queue, delivery) never re-checks syntax. Like Postfix {@code global}: no I/O.
 *
 * <p><b>Inputs/outputs.</b> Text from SMTP commands, headers and config in;
 * {@link dev.steward.mail.model.DomainName} and {@link dev.steward.mail.model.EmailAddress} out, or
 * an {@link java.lang.IllegalArgumentException} whose message is a reason fit for an SMTP reply or
 * a config error. {@link dev.steward.mail.model.EnhancedStatus} (RFC 3463) and
 * {@link dev.steward.mail.model.Dsn} (Postfix {@code dsn.h}: status, action, reason, diagnostic,
 * remote MTA) carry one recipient's delivery outcome from the delivery agent to the log, the queue
 * and the bounce generator.
 *
 * <p><b>Files/queues touched.</b> None.
 *
 * <p><b>Strategy.</b> Domains are normalised once, at parse time, to lowercase A-labels through
 * {@link java.net.IDN} (IDNA2003), then validated as LDH labels; equality and subdomain tests are
 * then plain string operations on whole labels. Addresses keep the local part and the domain as
 * written (for relaying unchanged) next to the normalised domain (for decisions).
 *
 * <p><b>Failure handling.</b> Invalid input throws {@code IllegalArgumentException} with the reason
 * in plain words; nothing is repaired silently except case, IDN mapping and one trailing root dot
 * of a bare domain name.
 *
 * <p><b>Config keys.</b> None directly; {@code [intake] app_domains} values are parsed with
 * {@link dev.steward.mail.model.DomainName#parse(String)}.
 *
 * <p><b>Standards.</b> RFC 5321 §4.1.2 (Mailbox, Dot-string, Quoted-string) and §4.5.3.1 (size
 * limits); RFC 5322 §3.4.1 (addr-spec); RFC 1035 §2.3.4 and RFC 3696 §2 (domain syntax);
 * RFC 3490/5890 (IDNA; the JDK implements IDNA2003, see the XXX in {@code DomainName});
 * RFC 6531 and RFC 6532 (UTF-8 addresses); RFC 3463 (enhanced status codes); RFC 3464 §2.3
 * (the per-recipient fields a {@code Dsn} feeds).
 *
 * <p><b>Security.</b> Everything here parses untrusted input from SMTP clients. Parsers are linear,
 * bounded by the input length, and never guess: anything ambiguous is rejected. Address literals
 * and all-digit top-level labels are refused, so an IP address can never pass as a domain. A
 * {@code Dsn} carries remote servers' words; its constructor turns control characters into spaces
 * so that text can never split a log line or add a header field to a bounce.
 */
package dev.steward.mail.model;
