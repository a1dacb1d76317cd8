package dev.steward.smtp.wire.client;

import dev.steward.smtp.wire.SmtpReply;
import java.util.List;
import java.util.Objects;

/**
 * What the server answered to one mail transaction, command by command: facts for the caller's
 * failure policy, which decides per recipient whether the message was delivered, is to be
 * retried, or bounces. Nothing here is a decision.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface TransactionResult {

    /**
     * Nothing was sent: the message needs an extension the server does not offer and cannot be
     * sent without it. The session is unchanged and may send another message.
     */
    record NotAttempted(String missingExtension) implements TransactionResult {
        public NotAttempted {
            Objects.requireNonNull(missingExtension, "missingExtension");
        }
    }

    /**
     * The transaction was attempted.
     *
     * @param mail       the reply to MAIL FROM
     * @param recipients the reply to each RCPT TO, in order; shorter than the envelope's list when
     *                   MAIL FROM was refused (without PIPELINING no RCPT is sent then) or a 421
     *                   ended the conversation (no reply is read after it)
     * @param data       the reply to DATA, or null if DATA was not sent (MAIL refused, or without
     *                   PIPELINING no recipient accepted)
     * @param end        the reply after the end-of-data line, or null if the content was not sent
     *                   (DATA not answered with 354, or no recipient accepted)
     * @param pipelined  whether MAIL, RCPT and DATA went in one batch (RFC 2920)
     * @param eightBitUnannounced the content has 8-bit octets and the server does not offer
     *                   8BITMIME: the content was sent as it is, without BODY=8BITMIME
     */
    record Attempted(SmtpReply mail, List<RecipientReply> recipients, SmtpReply data, SmtpReply end,
                     boolean pipelined, boolean eightBitUnannounced) implements TransactionResult {
        public Attempted {
            Objects.requireNonNull(mail, "mail");
            recipients = List.copyOf(recipients);
            if (end != null && data == null) {
                throw new IllegalArgumentException("an end-of-data reply needs a DATA reply");
            }
        }

        /** The recipients the server accepted at RCPT (a 2yz reply). */
        public List<String> acceptedRecipients() {
            return recipients.stream().filter(r -> r.reply().isPositiveCompletion()).map(RecipientReply::recipient).toList();
        }

        /** Whether the server took responsibility for the message for the accepted recipients (2yz after the content). */
        public boolean contentAccepted() {
            return end != null && end.isPositiveCompletion();
        }
    }

    /** The reply to one {@code RCPT TO:<recipient>}. */
    record RecipientReply(String recipient, SmtpReply reply) {
        public RecipientReply {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(reply, "reply");
        }
    }
}
