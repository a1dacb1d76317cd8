/**
 * The customer DNS check (requirements DNS-1 … DNS-4): address records instead of a CNAME, SPF
 * evaluated for both server addresses with a merged proposal, the DKIM key record, DMARC and
 * reverse DNS. The library returns findings as values and prints nothing; the {@code dns check}
 * command renders them.
 */
package dev.steward.dnscheck;
