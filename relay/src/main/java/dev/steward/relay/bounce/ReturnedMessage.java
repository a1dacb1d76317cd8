package dev.steward.relay.bounce;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The message a notice is about.
 *
 * <p>Thread safety: immutable, except that {@code content} is not copied (it may be large):
 * callers must not change it.
 *
 * @param queueId    its queue id
 * @param sender     the envelope sender without angle brackets; empty for the null sender
 * @param arrival    when the intake accepted it
 * @param content    the message bytes with CRLF line endings, or at least its whole header
 *                   section; only the header section is used
 * @param recipients the recipients to report, at least one
 */
public record ReturnedMessage(String queueId, String sender, Instant arrival, byte[] content,
        List<RecipientReport> recipients) {

    public ReturnedMessage {
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(content, "content");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a notice reports at least one recipient");
        }
    }
}
