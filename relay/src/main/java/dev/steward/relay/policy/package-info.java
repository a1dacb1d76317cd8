/**
 * Pure relay decisions: facts and config in, decisions out (Postfix {@code smtp_trouble.c}).
 *
 * <p><b>Role.</b> Holds the relay's policy classes. {@link dev.steward.relay.policy.SenderPolicy}
 * enforces MAIL-2: the app may send only as an address in its own domain or a subdomain of it,
 * for the envelope sender and for the header From, so the server cannot be used to forge other
 * domains.
 *
 * <p><b>Inputs/outputs.</b> Parsed values in ({@link dev.steward.mail.model.EmailAddress},
 * {@link dev.steward.mail.model.DomainName}); a decision out ({@code boolean}), plus text naming the
 * allowed domains for the SMTP refusal that intake writes.
 *
 * <p><b>Files/queues touched.</b> None. No I/O, no logging, no clock reads: callers log each
 * decision with its facts.
 *
 * <p><b>Strategy.</b> Domains are normalised when parsed (lowercase A-labels), so the sender test
 * is an exact match or a suffix match on a label boundary ({@code "." + appDomain}) against each
 * configured domain. Any depth of subdomain is allowed.
 *
 * <p><b>Failure handling.</b> A policy never throws for a decision; invalid input has already been
 * refused by the parsers. An empty domain list is a configuration error, rejected at construction
 * (and by config validation before that).
 *
 * <p><b>Config keys.</b> {@code [intake] app_domains}: the app's domains, U-labels or A-labels.
 *
 * <p><b>Standards.</b> RFC 5321 §4.1.2 (Mailbox) and §3.3 (MAIL FROM); RFC 5322 §3.6.2 (From);
 * RFC 5890/RFC 3490 (IDNA: U-label and A-label compare equal); RFC 6531 (UTF-8 senders).
 *
 * <p><b>Security.</b> Sees client-supplied addresses, already parsed. Matching is on whole labels,
 * so look-alikes such as {@code evil-app.example.test}, {@code xapp.example.test} or
 * {@code app.example.test.evil.test} are refused, and so is the parent {@code example.test}.
 * Header From addresses come only from addr-specs, never display names or comments
 * ({@link dev.steward.mail.model.header.AddressListParser}).
 */
package dev.steward.relay.policy;
