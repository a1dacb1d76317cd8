/**
 * The delivery agent (Postfix {@code smtp}), what a delivery attempt produced, and the one log
 * line that reports it (Postfix {@code global/log_adhoc.c}).
 *
 * <p><b>Role.</b> {@link dev.steward.relay.delivery.MxDeliveryAgent} is the mechanism: DNS,
 * connect, EHLO, STARTTLS, the transaction; it returns an
 * {@link dev.steward.relay.delivery.AttemptResult} per recipient to the queue manager, which acts.
 * The value types here are the vocabulary between them and the log. MTA-STS (RFC 8461) is
 * mechanism too: {@link dev.steward.relay.delivery.MtaStsPolicies} discovers and caches recipient
 * domains' policies, fetched by {@link dev.steward.relay.delivery.MtaStsHttpsClient}; what a policy
 * means for a connection is {@code relay.policy.TlsPolicy}'s decision.
 *
 * <p><b>Inputs/outputs.</b> {@link dev.steward.relay.delivery.AttemptResult}: sealed
 * {@code Delivered | TempFailed | PermFailed}, each with a {@link dev.steward.mail.model.Dsn} and
 * the {@link dev.steward.relay.delivery.RemoteHost} (absent when DNS failed); failures carry a
 * {@link dev.steward.relay.delivery.FailureKind} with a stable tag, and {@code TempFailed} says
 * whether the whole destination should be held back. {@link dev.steward.relay.delivery.LoggedAttempt}
 * in, one {@code delivery ...} INFO line out.
 *
 * MTA-STS: a domain name in, its {@code MtaStsPolicy} (or none) out, after a TXT question and, when
 * the policy is new or expired, one HTTPS GET.
 *
 * <p><b>Files/queues touched.</b> None. {@code DeliveryLog} writes to the SLF4J logger
 * {@code dev.steward.relay.delivery.DeliveryLog}. MTA-STS policies are cached in memory only (lost
 * at restart).
 *
 * <p><b>Strategy.</b> Facts are values. Whether a failure is temporary or permanent is decided
 * only by {@code relay.policy.FailureClassifier}, whose {@code Disposition} builds the failed
 * results here; this package never looks at reply codes to decide. The log line has a fixed field
 * order (who, where, timing, TLS, outcome; STYLE B7), built with
 * {@link dev.steward.common.text.LogLine} and pinned by a golden test. MTA-STS: TXT record, then
 * the cached policy while its {@code id} stays and its {@code max_age} lasts, else an HTTPS fetch;
 * a cached policy outlives a vanished record or a failed fetch (RFC 8461 §5.1). In {@code enforce}
 * mode unlisted MX hosts are skipped and TLS toward the others must be verified; {@code testing}
 * only logs {@code mta_sts_violation}.
 *
 * <p><b>Failure handling.</b> Constructors refuse values that contradict themselves (a
 * {@code Delivered} with a failure status, a {@code PermFailed} with a class-4 status, a log status
 * {@code sent} for a failure): those are bugs in the caller. Formatting itself never fails on odd
 * data: negative delays count as zero. MTA-STS discovery never fails a delivery by itself: no
 * record, a DNS failure, a failed or invalid fetch all mean "no policy" (or the cached one); only
 * an enforced policy's verdicts defer (always temporary).
 *
 * <p><b>Config keys.</b> {@code [delivery]}: every timeout and limit of the agent, {@code tls},
 * {@code mta_sts} (default {@code true}), {@code mta_sts_timeout} ({@code 10s}); {@code [testing]}
 * {@code mx_port_override}, {@code https_port_override}.
 *
 * <p><b>Standards.</b> RFC 3463 (status codes), RFC 3464 §2.3.3 (actions), RFC 5321 §4.2 (replies),
 * §5.1 (MX); RFC 3207 (STARTTLS); RFC 8461 §3.1–3.3, §4, §5 (MTA-STS); RFC 9112 (the policy
 * fetch's HTTP/1.1).
 *
 * <p><b>Security.</b> Remote replies and recipient addresses are untrusted text. {@code Dsn} turns
 * control characters into spaces; {@code LogLine} quotes and escapes every value and escapes
 * {@code >} and spaces inside {@code <address>}, so no remote text can add a field
 * ({@code status=sent}) or start a new log line. Message bodies are never logged. A policy host
 * is untrusted until its certificate verifies; its response is read with hard limits (16 KiB of
 * headers, 64 KiB of body, one deadline) and parsed strictly, and it can only make delivery
 * stricter for its own domain.
 */
package dev.steward.relay.delivery;
