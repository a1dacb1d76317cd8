/**
 * DMARC pieces of the DNS check.
 *
 * <p><b>Role.</b> {@link dev.steward.dnscheck.dmarc.DmarcRecord} parses a policy record (RFC 7489
 * §6.3–6.4); {@link dev.steward.dnscheck.dmarc.PublicSuffixList} finds the organisational domain
 * (RFC 7489 §3.2) with the Public Suffix List shipped in this package's resources.
 *
 * <p><b>Inputs/outputs.</b> TXT values and domain names in; parse outcomes as values out. No I/O
 * besides reading the bundled list once from the class path.
 *
 * <p><b>Standards.</b> RFC 7489 §3.1 (alignment), §3.2 (organisational domain), §6.3 (tags), §6.4
 * (ABNF), §6.6.3 (policy discovery); https://publicsuffix.org/list/ (matching algorithm).
 *
 * <p><b>Security.</b> Everything parsed here is untrusted DNS data: parsing is linear, bounded by
 * the input, and never throws for bad input (an invalid record is a value).
 */
package dev.steward.dnscheck.dmarc;
