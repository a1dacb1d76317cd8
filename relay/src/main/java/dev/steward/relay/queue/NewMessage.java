package dev.steward.relay.queue;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The envelope of a message the intake accepted, as {@link QueueStore#commit} records it.
 *
 * @param sender the reverse path without angle brackets; empty for the null sender {@code <>}
 * @param recipients forward paths without angle brackets, at least one
 * @param arrival when DATA ended
 * @param client the client as {@code name[address]}
 * @param helo the EHLO/HELO argument
 * @param smtputf8 whether MAIL FROM carried SMTPUTF8 (RFC 6531)
 * @param body {@code "7BIT"} or {@code "8BITMIME"} (RFC 6152)
 * @param messageId the Message-ID header value, or null
 */
public record NewMessage(String sender, List<String> recipients, Instant arrival, String client,
        String helo, boolean smtputf8, String body, String messageId) {

    public NewMessage {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(helo, "helo");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one recipient");
        }
        if (!"7BIT".equals(body) && !"8BITMIME".equals(body)) {
            throw new IllegalArgumentException("body must be 7BIT or 8BITMIME, got " + body);
        }
    }
}
