package dev.steward.control.web.notify;

import java.util.List;

/**
 * Sends a {@link MaintenanceNotice} to the customer's contacts, through the local relay over SMTP
 * like any application would (MAINT-3).
 *
 * <p>The pipeline records every outcome: a {@link Sent} is kept with its Message-ID; a
 * {@link NoticeNotSentException} blocks that customer's slot in the rollout, with its reason shown.
 */
public interface MaintenanceNoticeSender {

    /**
     * What was sent.
     *
     * @param messageId the Message-ID header's value, without angle brackets
     * @param subject the subject as sent (decoded)
     * @param recipients the addresses the relay accepted
     */
    record Sent(String messageId, String subject, List<String> recipients) {
        /** Copies the list. */
        public Sent {
            recipients = List.copyOf(recipients);
        }
    }

    /**
     * Renders and sends one notice; returns when the relay has accepted it ({@code 250} after DATA).
     *
     * @throws NoticeNotSentException when it was not accepted (no contacts, relay down, refused),
     *     with the reason in words
     */
    Sent send(MaintenanceNotice notice) throws NoticeNotSentException;
}
