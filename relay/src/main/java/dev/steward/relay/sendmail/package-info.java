/**
 * The {@code sendmail} compatibility command.
 *
 * <p><b>Role.</b> Let applications that call {@code /usr/sbin/sendmail} (PHP {@code mail()}, cron)
 * submit mail; see {@link dev.steward.relay.sendmail.SendmailCommand} for options and exit codes.
 *
 * <p><b>Strategy.</b> Read standard input as text lines, normalise line ends to CRLF, extract
 * recipients with {@code -t}, then submit over SMTP to the local intake, so the same policy applies.
 *
 * <p><b>Standards.</b> sendmail(1) as Postfix documents it; RFC 5321 §4.5.2 dot-stuffing.
 *
 * <p><b>Security.</b> Needs no privilege and no access to the queue directory.
 */
package dev.steward.relay.sendmail;
