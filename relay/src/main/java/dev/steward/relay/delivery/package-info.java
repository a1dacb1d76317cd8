/**
 * What a delivery attempt produced, and the one log line that reports it (Postfix {@code smtp}'s
 * results and {@code global/log_adhoc.c}).
 *
 * <p><b>Role.</b> The vocabulary between the delivery agent (mechanism: DNS, connect, EHLO,
 * STARTTLS, the transaction), the queue manager (which acts) and the log. For now only value types
 * and {@link dev.steward.relay.delivery.DeliveryLog}; the agent itself ({@code MxDeliveryAgent})
 * comes later and returns an {@link dev.steward.relay.delivery.AttemptResult} per recipient.
 *
 * <p><b>Inputs/outputs.</b> {@link dev.steward.relay.delivery.AttemptResult}: sealed
 * {@code Delivered | TempFailed | PermFailed}, each with a {@link dev.steward.mail.model.Dsn} and
 * the {@link dev.steward.relay.delivery.RemoteHost} (absent when DNS failed); failures carry a
 * {@link dev.steward.relay.delivery.FailureKind} with a stable tag, and {@code TempFailed} says
 * whether the whole destination should be held back. {@link dev.steward.relay.delivery.LoggedAttempt}
 * in, one {@code delivery ...} INFO line out.
 *
 * <p><b>Files/queues touched.</b> None. {@code DeliveryLog} writes to the SLF4J logger
 * {@code dev.steward.relay.delivery.DeliveryLog}.
 *
 * <p><b>Strategy.</b> Facts are values. Whether a failure is temporary or permanent is decided
 * only by {@code relay.policy.FailureClassifier}, whose {@code Disposition} builds the failed
 * results here; this package never looks at reply codes to decide. The log line has a fixed field
 * order (who, where, timing, TLS, outcome; STYLE B7), built with
 * {@link dev.steward.common.text.LogLine} and pinned by a golden test.
 *
 * <p><b>Failure handling.</b> Constructors refuse values that contradict themselves (a
 * {@code Delivered} with a failure status, a {@code PermFailed} with a class-4 status, a log status
 * {@code sent} for a failure): those are bugs in the caller. Formatting itself never fails on odd
 * data: negative delays count as zero.
 *
 * <p><b>Config keys.</b> None.
 *
 * <p><b>Standards.</b> RFC 3463 (status codes), RFC 3464 §2.3.3 (actions), RFC 5321 §4.2 (replies).
 *
 * <p><b>Security.</b> Remote replies and recipient addresses are untrusted text. {@code Dsn} turns
 * control characters into spaces; {@code LogLine} quotes and escapes every value and escapes
 * {@code >} and spaces inside {@code <address>}, so no remote text can add a field
 * ({@code status=sent}) or start a new log line. Message bodies are never logged.
 */
package dev.steward.relay.delivery;
