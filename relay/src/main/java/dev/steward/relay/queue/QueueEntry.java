package dev.steward.relay.queue;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One queued message as {@link QueueStore#list} sees it (the data of one {@code mailq} entry).
 *
 * @param id the queue id
 * @param state the directory it is in: {@code incoming}, {@code active}, {@code deferred},
 *     {@code hold} or {@code corrupt}
 * @param size the size of {@code ID.msg} in bytes
 * @param arrival when the intake accepted it
 * @param sender the reverse path; empty for the null sender
 * @param recipients every recipient with its state
 * @param lastFailure the reason of the last failed delivery attempt or why the entry is corrupt,
 *     or null
 */
public record QueueEntry(QueueId id, String state, long size, Instant arrival, String sender,
        List<RecipientState> recipients, String lastFailure) {

    public QueueEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(sender, "sender");
        recipients = List.copyOf(recipients);
    }
}
