/**
 * Customer notices by e-mail. The control plane submits them over SMTP to a relay (the local
 * Steward relay in the all-in-one mode), like any other application would: it never links the
 * relay's code (STYLE B1) and never delivers mail itself.
 *
 * <p>{@link dev.steward.control.web.notify.SmtpSubmission} is the small SMTP client,
 * {@link dev.steward.control.web.notify.DkimNotice} the DKIM record notice (DNS-3), and
 * {@link dev.steward.control.web.notify.DkimNotifier} sends it to a customer's contacts and
 * records the outcome in the audit log.
 *
 * <p>Maintenance (MAINT-3, UPD-3): {@link dev.steward.control.web.notify.SmtpMaintenanceNoticeSender}
 * sends a {@link dev.steward.control.web.notify.MaintenanceNotice} rendered by
 * {@link dev.steward.control.web.notify.MaintenanceNoticeMessage} (text in the customer's language
 * and zone, {@code maintenance.ics} attached; MIME encodings in
 * {@link dev.steward.control.web.notify.Mime}); {@link dev.steward.control.web.notify.ICalendar}
 * writes RFC 5545; {@link dev.steward.control.web.notify.CustomerCalendar} is a customer's
 * upcoming maintenance, for the maintenance page and the iCal feed.
 */
package dev.steward.control.web.notify;
