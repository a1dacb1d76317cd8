package dev.steward.relay.intake;

import dev.steward.smtp.wire.SmtpReply;

/**
 * The next stage after the intake (Postfix: smtpd hands the message to cleanup). Returns the
 * reply for the end of DATA: 250 only once the message is durable, otherwise a refusal or a
 * temporary failure. Implementations must not throw for expected outcomes.
 *
 * <p>Thread safety: implementations are called from many session threads at once.
 */
@FunctionalInterface
public interface MessageSink {
    SmtpReply accept(ReceivedMessage message);
}
