package dev.steward.relay.intake;

import dev.steward.smtp.wire.SmtpReply;

/**
 * The next stage after the intake (Postfix: smtpd hands the message to cleanup). Returns the
 * reply for the end of DATA: 250 only once the message is durable, otherwise a refusal or a
 * temporary failure. Implementations must not throw for expected outcomes.
 *
 * <p>Thread safety: implementations are called from many threads at once.
 */
@FunctionalInterface
public interface MessageSink {
    SmtpReply accept(ReceivedMessage message);

    /**
     * As {@link #accept}, without waiting for the disk, where the sink can: {@code reply} gets the
     * reply later, on another thread (or at once, on this one); the caller keeps the message's
     * content as it is until then. Returns false, having done nothing, when the message
     * needs {@link #accept} on a thread that may wait (DKIM signing, a message too large for the
     * journal); the default always does.
     */
    default boolean acceptAsync(ReceivedMessage message, java.util.function.Consumer<SmtpReply> reply) {
        return false;
    }
}
