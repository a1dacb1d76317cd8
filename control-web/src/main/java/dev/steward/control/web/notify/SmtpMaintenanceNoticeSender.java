package dev.steward.control.web.notify;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MaintenanceNoticeSender} of the control plane: renders the notice
 * ({@link MaintenanceNoticeMessage}: text in the customer's language and zone, {@code maintenance.ics}
 * attached) and submits it to the configured relay through {@link SmtpSubmission}, one message to
 * all of the customer's contacts. It records nothing itself: the pipeline keeps every outcome.
 *
 * <p>Not sent ({@link NoticeNotSentException}, with the reason): no relay configured
 * ({@code [notify] smtp} unset), a customer without contacts, a relay that cannot be reached or
 * refuses any step. One refused contact fails the whole notice (it must reach every contact or be
 * reported), although the relay delivers it to the contacts it did accept: the transaction is
 * pipelined, so the refusal is known only after the content went. Each outcome is logged ({@code maintenance_notice_sent} / {@code maintenance_notice_failed}).
 *
 * <p>Thread safety: thread-safe (immutable; each send has its own connection).
 */
public final class SmtpMaintenanceNoticeSender implements MaintenanceNoticeSender {

    private static final Logger log = LoggerFactory.getLogger(SmtpMaintenanceNoticeSender.class);

    private final SmtpSubmission smtp; // null: not configured
    private final String sender;
    private final String providerDomain;
    private final Clock clock;

    /**
     * The same facts {@link DkimNotifier} is made from.
     *
     * @param smtp the relay to submit to, or {@code null} when none is configured (every send then fails)
     * @param sender the envelope and header sender, e.g. {@code steward@hosting.example}
     * @param providerDomain signs the text, and is the domain of Message-IDs and calendar UIDs
     * @param clock the Date header and the calendar's DTSTAMP
     */
    public SmtpMaintenanceNoticeSender(SmtpSubmission smtp, String sender, String providerDomain, Clock clock) {
        this.smtp = smtp;
        this.sender = sender;
        this.providerDomain = providerDomain;
        this.clock = clock;
    }

    @Override
    public Sent send(MaintenanceNotice notice) throws NoticeNotSentException {
        List<String> recipients = notice.customer().contacts();
        String customer = notice.customer().name();
        if (smtp == null) {
            throw failed(notice, "no SMTP relay configured ([notify] smtp): the notice to " + customer + " was not sent");
        }
        if (recipients.isEmpty()) {
            throw failed(notice, "customer " + customer + " has no contact address");
        }
        MaintenanceNoticeMessage message = MaintenanceNoticeMessage.render(notice, providerDomain, clock.instant());
        String messageId = UUID.randomUUID() + "@" + providerDomain;
        String mime = message.mime(sender, recipients, ZonedDateTime.now(clock), messageId);
        try {
            String reply = smtp.submit(sender, recipients, mime);
            log.info("maintenance_notice_sent release={} customer={} recipients={} message_id={} reply=\"{}\"",
                    notice.releaseId(), notice.customer().id(), recipients.size(), messageId, reply);
            return new Sent(messageId, message.subject(), recipients);
        } catch (SmtpSubmission.SubmissionException refused) {
            throw failed(notice, refused.getMessage(), refused);
        }
    }

    private static NoticeNotSentException failed(MaintenanceNotice notice, String reason) {
        return failed(notice, reason, null);
    }

    private static NoticeNotSentException failed(MaintenanceNotice notice, String reason, Throwable cause) {
        log.warn("maintenance_notice_failed release={} customer={} reason=\"{}\"", notice.releaseId(),
                notice.customer().id(), reason);
        return cause == null ? new NoticeNotSentException(reason) : new NoticeNotSentException(reason, cause);
    }
}
