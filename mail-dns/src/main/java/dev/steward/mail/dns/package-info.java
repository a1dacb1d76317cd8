/**
 * DNS for mail: a {@code Resolver} interface whose answers are values ({@link DnsAnswer}), a
 * dnsjava-backed implementation that asks the servers from {@code [dns] servers}, and the MX
 * lookup of RFC 5321 §5.1 (with RFC 7505 null MX).
 *
 * <p><b>Role.</b> Mechanism only: it reports what DNS said (records, no such domain, no data,
 * temporary failure with a reason). Whether that defers or bounces a message is decided in
 * {@code relay.policy}.
 *
 * <p><b>Standards.</b> RFC 1035, RFC 5321 §5.1, RFC 7505, RFC 2308 (NXDOMAIN vs NODATA).
 *
 * <p><b>Security.</b> Answers are untrusted input from the network: names and record data are
 * validated before they leave this package.
 */
package dev.steward.mail.dns;
