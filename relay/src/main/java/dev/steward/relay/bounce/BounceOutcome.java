package dev.steward.relay.bounce;

import java.util.Objects;

/**
 * What {@link BounceComposer} made of a request: a notice to queue, or the reason there is none.
 *
 * <p>Thread safety: immutable ({@code message} is not copied; do not change it).
 */
public sealed interface BounceOutcome {

    /**
     * Queue this notice with the null reverse path {@code <>} (RFC 5321 §4.5.5) and one recipient.
     *
     * @param recipient the original envelope sender, without angle brackets
     * @param messageId the notice's {@code Message-ID}, angle brackets included, for the log
     * @param message   the RFC 5322 bytes, CRLF line endings
     */
    record Send(String recipient, String messageId, byte[] message) implements BounceOutcome {
        public Send {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(message, "message");
        }

        /** Always empty: a notice is sent from the null sender, so a notice about it is never sent. */
        public String envelopeSender() {
            return "";
        }
    }

    /**
     * No notice: the message is itself a notice (null sender, {@code MAILER-DAEMON}, a delivery
     * status report), so answering it could start a loop. Log the reason and drop the recipients.
     */
    record Drop(String reason) implements BounceOutcome {
        public Drop {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
