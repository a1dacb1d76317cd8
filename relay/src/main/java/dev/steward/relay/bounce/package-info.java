/**
 * Notices to the sender about undelivered mail (Postfix {@code bounce}): the non-delivery report
 * and the delay warning, as RFC 3464 delivery status notifications.
 *
 * <p><b>Role.</b> Turns "these recipients failed (or are late), for these reasons" into the bytes
 * of a notice for the original envelope sender, or into the decision that no notice may be sent.
 * {@link dev.steward.relay.bounce.BounceComposer} is the entry point.
 *
 * <p><b>Inputs/outputs.</b> In: a {@link dev.steward.relay.bounce.ReturnedMessage} (queue id,
 * envelope sender, arrival, the message's header section) with one
 * {@link dev.steward.relay.bounce.RecipientReport} per recipient, each carrying its
 * {@link dev.steward.mail.model.Dsn}. Out: {@link dev.steward.relay.bounce.BounceOutcome}:
 * {@code Send} (recipient, Message-ID, RFC 5322 bytes; to be queued with the null sender
 * {@code <>}) or {@code Drop} (a reason to log).
 *
 * <p><b>Files/queues touched.</b> None: the caller (the queue manager) reads the original
 * message and queues the notice.
 *
 * <p><b>Strategy.</b> {@code multipart/report; report-type=delivery-status} with three parts:
 * <ol>
 *   <li>{@code text/plain; charset=utf-8}: what happened, each recipient with the reason (the
 *       remote reply, Postfix style {@code <rcpt>: host X said: ...}), the queue id and
 *       Message-ID of the original, and that only its headers are attached;</li>
 *   <li>{@code message/delivery-status}: Reporting-MTA, Arrival-Date, then per recipient
 *       Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code (the SMTP reply, or
 *       {@code X-Steward; <reason>} when no server replied), Last-Attempt-Date and, in delay
 *       warnings, Will-Retry-Until;</li>
 *   <li>{@code text/rfc822-headers}: the original header section only, never the body.</li>
 * </ol>
 * From {@code MAILER-DAEMON@<app domain>} ("Mail Delivery System"), with
 * {@code Auto-Submitted: auto-replied}. CRLF line endings, lines of at most 998 octets (long
 * fields folded), 7-bit (quoted-printable where the text or the original headers are 8-bit).
 * Date, Message-ID and boundary come from the injected clock and the queue id, so output is
 * reproducible and golden-tested.
 *
 * <p><b>Failure handling.</b> <b>Never a notice about a notice:</b> a message from the null
 * sender or from {@code MAILER-DAEMON}, or one that is itself a delivery status report, yields
 * {@code Drop}; notices themselves go out from {@code <>}, so they can never come back. Requests
 * that contradict themselves (a bounce for a {@code delayed} recipient, no recipients) throw
 * {@code IllegalArgumentException}.
 *
 * <p><b>Config keys.</b> {@code [server] hostname} (Reporting-MTA); the first of
 * {@code [intake] app_domains} as the MAILER-DAEMON domain; {@code [queue] max_lifetime} gives
 * Will-Retry-Until and {@code delay_warning_time} when delay warnings are asked for (both decided
 * by {@code relay.policy.ExpiryPolicy}).
 *
 * <p><b>Standards.</b> RFC 3464 (DSN format), RFC 3462/6522 (multipart/report), RFC 3463 (status
 * codes), RFC 3834 §5 (Auto-Submitted), RFC 5321 §4.5.5 (null reverse path for notices), RFC 5322
 * §2.1.1 and §2.2.3 (line length, folding), RFC 2045 §6.7 (quoted-printable), RFC 2046 §5.1
 * (boundaries), RFC 6532 and RFC 6533 §3 (UTF-8 headers; {@code utf-8} address type).
 *
 * <p><b>Security.</b> Remote replies and the original headers are untrusted. Remote text reaches
 * the notice only through a {@code Dsn} (control characters already spaces), is reduced to
 * printable ASCII in the delivery-status part and quoted-printable-encoded in the text part, so it
 * can neither end a header nor a MIME part early; the boundary is checked against every part's
 * content and lengthened if a part contains it. The original body is never returned.
 */
package dev.steward.relay.bounce;
