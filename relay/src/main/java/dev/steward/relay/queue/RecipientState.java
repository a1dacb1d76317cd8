package dev.steward.relay.queue;

import java.util.Objects;
import java.util.Set;

/**
 * One recipient of a queued message and where its delivery stands.
 *
 * @param address the forward path without angle brackets
 * @param status {@code pending}, {@code sent} or {@code failed}
 * @param lastFailure the reason of the last failed attempt for this recipient, or null
 */
public record RecipientState(String address, String status, String lastFailure) {

    public static final String PENDING = "pending";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";

    private static final Set<String> STATUSES = Set.of(PENDING, SENT, FAILED);

    public RecipientState {
        Objects.requireNonNull(address, "address");
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("recipient status must be pending, sent or failed, got " + status);
        }
    }

    static RecipientState pending(String address) {
        return new RecipientState(address, PENDING, null);
    }
}
