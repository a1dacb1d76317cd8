package dev.steward.relay.intake;

import dev.steward.smtp.wire.SmtpReply;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

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
     * As {@link #accept}, without waiting on the calling thread (an event loop): {@code reply} gets
     * the reply later, on another thread, or at once on this one. Work that waits for the disk or
     * takes long goes to {@code blocking}; the caller keeps the message's content as it is until
     * the reply. The default runs {@link #accept} on {@code blocking}.
     */
    default void acceptAsync(ReceivedMessage message, Consumer<SmtpReply> reply, Executor blocking) {
        blocking.execute(() -> reply.accept(accept(message)));
    }
}
