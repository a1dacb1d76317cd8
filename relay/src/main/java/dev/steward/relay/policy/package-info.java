/**
 * Pure relay decisions: facts and config in, decisions out (Postfix {@code smtp_trouble.c},
 * {@code qmgr} backoff, the TLS policy; STYLE B3).
 *
 * <p><b>Role.</b> Every judgement the relay makes, kept apart from the code that does I/O:
 * <ul>
 *   <li>{@link dev.steward.relay.policy.SenderPolicy} enforces MAIL-2: the app may send only as an
 *       address in its own domain or a subdomain of it, for the envelope sender and the header
 *       From, so the server cannot be used to forge other domains;</li>
 *   <li>{@link dev.steward.relay.policy.FailureClassifier} is the only place that turns a delivery
 *       failure (a reply, a broken connection, a TLS problem, a DNS answer, a loop) into a
 *       {@link dev.steward.relay.policy.Disposition}: TEMP or PERM, the
 *       {@link dev.steward.mail.model.Dsn}, the failure kind, and how far it reaches;</li>
 *   <li>{@link dev.steward.relay.policy.TlsPolicy} decides STARTTLS, plaintext fallback and
 *       deferral per destination, and which MX hosts an MTA-STS policy allows;
 *       {@link dev.steward.relay.policy.MtaStsPolicy} and
 *       {@link dev.steward.relay.policy.MtaStsRecord} parse a domain's MTA-STS policy and TXT
 *       record;</li>
 *   <li>{@link dev.steward.relay.policy.RetryPolicy} says when to try again, and
 *       {@link dev.steward.relay.policy.ExpiryPolicy} when to warn the sender and when to give up.</li>
 * </ul>
 *
 * <p><b>Inputs/outputs.</b> Parsed values in ({@code EmailAddress}, {@code DomainName}); facts as
 * {@link dev.steward.relay.policy.FailureFact} and {@link dev.steward.relay.policy.StartTlsResult}
 * (own value types, so this package does not wait for the SMTP client's classes) plus
 * {@code SmtpReply} and {@code DnsAnswer}; arrival times and attempt counts. Out: booleans,
 * {@code Disposition}, {@link dev.steward.relay.policy.TlsDecision}, instants and
 * {@link dev.steward.relay.policy.ExpiryPolicy.Decision}. A {@code Disposition} builds the
 * delivery agent's {@code AttemptResult}: this package depends on the value types of
 * {@code relay.delivery}, never the other way round.
 *
 * <p><b>Files/queues touched.</b> None. No I/O, no logging: callers log each decision with its
 * facts ({@code DeliveryLog}). Time comes from an injected {@link java.time.Clock}.
 *
 * <p><b>Strategy.</b>
 * <ul>
 *   <li>Sender: domains are normalised when parsed (lowercase A-labels), so the test is an exact
 *       match or a suffix match on a label boundary against each configured domain.</li>
 *   <li>Failures: an explicit 5xx reply, a permanent DNS answer (no such domain, null MX, no
 *       address), a loop, a missing SMTPUTF8 or an oversized message are permanent; everything
 *       else, and anything not recognised, is temporary (maddy {@code IsTemporaryOrUnspec}), so
 *       our bugs never bounce mail. Enhanced codes from the reply are kept; without one the
 *       class with {@code .0.0} is used. Failures of the destination as a whole (DNS, connect,
 *       greeting, EHLO, TLS, 421) ask the queue manager to hold back the whole destination.</li>
 *   <li>Retry: the first retry {@code min_backoff} after the first failure, then doubling up to
 *       {@code max_backoff}, counted from the failed attempt, never past expiry; the last attempt
 *       is at expiry. A destination that keeps failing is held back on the same doubling.</li>
 *   <li>Expiry: bounce after {@code max_lifetime}; one delay warning after
 *       {@code delay_warning_time} ({@code 0s} = off).</li>
 *   <li>TLS: opportunistic for MX delivery (STARTTLS if offered, any certificate; handshake
 *       failure reconnects to the same MX in plaintext); verified for the smarthost and MTA-STS
 *       {@code enforce} domains, where every TLS problem defers.</li>
 *   <li>MTA-STS texts: the RFC 8461 grammar, strictly; anything malformed is "no policy", the
 *       reason kept for the log.</li>
 * </ul>
 *
 * <p><b>Failure handling.</b> A policy never throws for a decision; invalid input has been
 * refused by the parsers and value constructors. Contradictory calls (a plaintext retry where
 * verified TLS is required) throw {@code IllegalArgumentException}: they are bugs in the caller.
 * Configuration problems are reported through {@code ConfigReader} (collect-all) or, for values
 * built in code, as one {@code IllegalArgumentException} naming every broken rule.
 *
 * <p><b>Config keys.</b> {@code [intake] app_domains}; {@code [queue] min_backoff} (default
 * {@code 5m}), {@code max_backoff} ({@code 1h}), {@code max_lifetime} ({@code 5d}),
 * {@code delay_warning_time} ({@code 4h}), read by {@link dev.steward.relay.policy.RetryConfig}.
 *
 * <p><b>Standards.</b> RFC 5321 §4.1.2, §3.3 (senders), §4.2 and §4.5.3.1.10 (replies; 552 to
 * RCPT), §5.1 (MX and implicit MX), §4.5.3.2 (timeouts); RFC 5322 §3.6.2 (From); RFC 3463
 * (enhanced codes); RFC 3207 (STARTTLS); RFC 7505 (null MX); RFC 8461 §3.1 and §3.2 (MTA-STS
 * record and policy), §4.1 and §5 (matching and enforce mode); RFC 6531 (SMTPUTF8); RFC 1870
 * (SIZE); RFC 5890/3490 (IDNA).
 *
 * <p><b>Security.</b> Sees client-supplied addresses, already parsed, and remote servers' replies.
 * Sender matching is on whole labels, so look-alikes such as {@code evil-app.example.test},
 * {@code xapp.example.test} or {@code app.example.test.evil.test} are refused, and so is the
 * parent {@code example.test}. Remote text only ever lands in a {@code Dsn}, which strips control
 * characters. A remote server cannot talk us into plaintext where verified TLS is required: every
 * TLS refusal there defers. MTA-STS policy texts and TXT records come from the recipient's
 * servers: matched only by patterns of bounded length (no catastrophic backtracking), and quoted
 * in reasons only in pieces of at most 64 characters.
 */
package dev.steward.relay.policy;
