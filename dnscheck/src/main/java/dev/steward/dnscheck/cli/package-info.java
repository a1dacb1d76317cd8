/**
 * The {@code steward dns check} command.
 *
 * <p><b>Role.</b> Parses the command line, builds the production resolver
 * ({@link dev.steward.mail.dns.DnsjavaResolver}, bounded tries), runs
 * {@link dev.steward.dnscheck.DnsCheck} and renders the report for people or as JSON. The only place
 * in the module that prints.
 *
 * <p><b>Inputs/outputs.</b> Command-line arguments and the DKIM public key file in; the report on
 * standard output, usage errors on standard error; the exit code (0 / 1 / 2, 64 usage, 66 key file).
 *
 * <p><b>Failure handling.</b> Lookups that fail or time out make the report incomplete (exit 2) and
 * are listed; they are never reported as missing records.
 *
 * <p><b>Security.</b> DNS data is untrusted and is printed, never interpreted; the key file is read,
 * not written, and its contents are not printed (only the public key's record).
 */
package dev.steward.dnscheck.cli;
