package dev.steward.relay.bounce;

import dev.steward.mail.model.Dsn;
import java.time.Instant;
import java.util.Objects;

/**
 * One recipient in a notice: the per-recipient fields of RFC 3464 §2.3.
 *
 * <p>Thread safety: immutable.
 *
 * @param recipient         the address delivery was attempted to, without angle brackets
 * @param originalRecipient the address as the app gave it, when it differs; or null
 * @param dsn               the recipient's last status: action {@code failed} in a bounce,
 *                          {@code delayed} in a delay warning
 * @param lastAttempt       when the last attempt ended, or null when none was made
 */
public record RecipientReport(String recipient, String originalRecipient, Dsn dsn, Instant lastAttempt) {

    public RecipientReport {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(dsn, "dsn");
    }
}
