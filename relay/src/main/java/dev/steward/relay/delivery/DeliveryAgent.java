package dev.steward.relay.delivery;

/**
 * Delivers one message to one destination and reports, per recipient, what happened. Mechanism
 * only (STYLE.md B3): an agent never decides to retry or bounce; it returns facts already
 * classified by {@code FailureClassifier} as {@link AttemptResult}s, and the queue manager acts.
 *
 * <p>An agent must return a result for every recipient of the request. It may throw only
 * {@link InterruptedException} (the relay is stopping); the queue manager turns any other
 * exception into a temporary failure of every recipient, so a bug never bounces mail.
 *
 * <p>Thread safety: implementations are thread-safe; the queue manager calls them from many
 * virtual threads at once.
 */
public interface DeliveryAgent {

    DeliveryReport deliver(DeliveryRequest request) throws InterruptedException;
}
