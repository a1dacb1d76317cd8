/**
 * Customer notices by e-mail. The control plane submits them over SMTP to a relay (the local
 * Steward relay in the all-in-one mode), like any other application would: it never links the
 * relay's code (STYLE B1) and never delivers mail itself.
 *
 * <p>{@link dev.steward.control.web.notify.SmtpSubmission} is the small SMTP client,
 * {@link dev.steward.control.web.notify.DkimNotice} the DKIM record notice (DNS-3), and
 * {@link dev.steward.control.web.notify.DkimNotifier} sends it to a customer's contacts and
 * records the outcome in the audit log.
 */
package dev.steward.control.web.notify;
