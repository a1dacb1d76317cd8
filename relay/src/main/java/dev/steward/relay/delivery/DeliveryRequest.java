package dev.steward.relay.delivery;

import java.util.List;
import java.util.Objects;

/**
 * One delivery attempt of one message to one destination.
 *
 * <p>Thread safety: immutable.
 *
 * @param queueId      the message's queue id, for logs
 * @param sender       the envelope sender; empty for the null sender (bounces)
 * @param recipients   the recipients at this destination that are still pending, at least one
 * @param destination  the recipient domain (ASCII, lower case), or the smarthost's name
 * @param size         the message size in bytes (EHLO SIZE, RFC 1870)
 * @param smtputf8     whether the message needs SMTPUTF8 (RFC 6531)
 * @param eightBit     whether the body was received as 8BITMIME (RFC 6152)
 * @param content      the message bytes
 * @param attempt      the number of this attempt for the message, from 1
 */
public record DeliveryRequest(String queueId, String sender, List<String> recipients, String destination, long size,
        boolean smtputf8, boolean eightBit, MessageSource content, int attempt) {

    public DeliveryRequest {
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(content, "content");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a delivery request needs at least one recipient");
        }
    }
}
