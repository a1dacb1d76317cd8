package dev.steward.control.store;

import java.time.Instant;

/**
 * A maintenance notice as recorded ({@code maintenance_notice}): one per customer and release.
 *
 * @param id the row id
 * @param releaseId the release
 * @param customerId the customer
 * @param customerName the customer's name
 * @param occurrenceId the window the notice announces (the customer's first), or null
 * @param language nl or en
 * @param recipients the addresses, comma-separated
 * @param subject the subject as sent (a placeholder while not sent)
 * @param messageId the Message-ID when sent, or null
 * @param state SENT or FAILED
 * @param error why it was not sent, or null
 * @param attemptedAt when sending started
 * @param sentAt when the relay accepted it, or null
 */
public record NoticeRecord(long id, long releaseId, long customerId, String customerName, Long occurrenceId,
                           String language, String recipients, String subject, String messageId, String state,
                           String error, Instant attemptedAt, Instant sentAt) {

    /** @return true when the relay accepted it */
    public boolean sent() {
        return "SENT".equals(state);
    }
}
