/**
 * The customer DNS check (requirements DNS-1 … DNS-4).
 *
 * <p><b>Role.</b> Check the records a customer must publish for an app host served by one managed
 * server: address records instead of a CNAME (DNS-1), SPF for both server addresses (DNS-2), the DKIM
 * key record (DNS-3), DMARC and reverse DNS (DNS-4); say what is wrong in plain words and give the
 * exact records to publish. Entry point: {@link dev.steward.dnscheck.DnsCheck#run}.
 *
 * <p><b>Inputs/outputs.</b> A {@link dev.steward.dnscheck.DnsCheckRequest} and a
 * {@link dev.steward.mail.dns.Resolver} in; a {@link dev.steward.dnscheck.DnsReport} of
 * {@link dev.steward.dnscheck.Finding} values out. Nothing is printed here: the {@code cli} package
 * renders reports.
 *
 * <p><b>Strategy.</b> Determine the server's addresses, then run the checks concurrently against one
 * overall lookup deadline. Each check is a small class that turns DNS answers into findings.
 *
 * <p><b>Failure handling.</b> A temporary DNS failure (timeout, SERVFAIL, the deadline) becomes an
 * UNCHECKED finding naming the lookup, never "record missing"; the report's exit code is then 2.
 *
 * <p><b>Config keys.</b> None: the resolver and deadline are passed in.
 *
 * <p><b>Standards.</b> RFC 1034 §3.6.2 (CNAME exclusivity), RFC 7208 (SPF), RFC 6376 §3.6
 * (DKIM key records), RFC 7489 (DMARC), RFC 8601 §3 (iprev), RFC 1035 §3.3 (255-octet strings).
 *
 * <p><b>Security.</b> All DNS data is untrusted: it is parsed with bounded parsers and shown, never
 * executed; CNAME chains are bounded and loops detected.
 */
package dev.steward.dnscheck;
