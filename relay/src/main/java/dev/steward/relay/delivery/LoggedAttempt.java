package dev.steward.relay.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything one delivery log line says about one recipient of one attempt; see {@link DeliveryLog}.
 *
 * <p>Thread safety: immutable.
 *
 * @param queueId           the message's queue id
 * @param recipient         the recipient address without angle brackets
 * @param originalRecipient the address the app gave, when it differs (after rewriting), or null
 * @param result            the attempt's outcome for this recipient
 * @param connectionReused  true when the attempt used a cached connection
 * @param attempt           the number of this attempt for the message, from 1
 * @param delay             from arrival until now (negative counts as zero)
 * @param delays            where that time went
 * @param tls               how the connection was protected; {@link TlsSummary#NONE} when there was none
 * @param status            what happens next: must fit the result ({@code sent} for delivered,
 *                          {@code deferred} or {@code expired} for a temporary failure,
 *                          {@code bounced} for a permanent one)
 */
public record LoggedAttempt(String queueId, String recipient, String originalRecipient, AttemptResult result,
        boolean connectionReused, int attempt, Duration delay, Delays delays, TlsSummary tls, DeliveryStatus status) {

    public LoggedAttempt {
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(delays, "delays");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(status, "status");
        delay = Delays.notNegative(delay, "delay");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt numbers start at 1, was " + attempt);
        }
        boolean fits = switch (result) {
            case AttemptResult.Delivered delivered -> status == DeliveryStatus.SENT;
            case AttemptResult.TempFailed temp -> status == DeliveryStatus.DEFERRED || status == DeliveryStatus.EXPIRED;
            case AttemptResult.PermFailed perm -> status == DeliveryStatus.BOUNCED;
        };
        if (!fits) {
            throw new IllegalArgumentException("status " + status.tag() + " does not fit " + result.getClass().getSimpleName());
        }
    }

    /** The status that follows from the result: {@code sent}, {@code deferred} or {@code bounced}. */
    public static DeliveryStatus statusOf(AttemptResult result) {
        return switch (result) {
            case AttemptResult.Delivered delivered -> DeliveryStatus.SENT;
            case AttemptResult.TempFailed temp -> DeliveryStatus.DEFERRED;
            case AttemptResult.PermFailed perm -> DeliveryStatus.BOUNCED;
        };
    }
}
