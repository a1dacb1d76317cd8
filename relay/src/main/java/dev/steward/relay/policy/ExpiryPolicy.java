package dev.steward.relay.policy;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When a deferred message has waited long enough (Postfix {@code maximal_queue_lifetime} and
 * {@code delay_warning_time}): after {@code max_lifetime} it expires and its undelivered
 * recipients are bounced; after {@code delay_warning_time} (unless that is {@code 0s}) the sender
 * is told once that the mail is late and still being retried.
 *
 * <p>"Once" needs memory: the queue manager records that the warning went out (in the envelope
 * file) and passes that flag back in. Expiry wins over a warning that is due at the same time.
 *
 * <p>Pure: no I/O, no logging; time comes from the injected clock. Thread safety: immutable,
 * thread-safe.
 */
public final class ExpiryPolicy {

    /** What the queue manager should do about a message's age now. */
    public enum Decision {
        /** Nothing: keep retrying. */
        KEEP,
        /** Send the delay warning now, record that it went out, keep retrying. */
        SEND_DELAY_WARNING,
        /** Give up: bounce every undelivered recipient ({@code status=expired}). */
        EXPIRE
    }

    private final RetryConfig config;
    private final Clock clock;

    public ExpiryPolicy(RetryConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code arrival + max_lifetime}: the message expires at this instant. */
    public Instant expiresAt(Instant arrival) {
        return arrival.plus(config.maxLifetime());
    }

    /** True from {@link #expiresAt(Instant)} on. */
    public boolean isExpired(Instant arrival) {
        return !clock.instant().isBefore(expiresAt(arrival));
    }

    /** When the delay warning is due, or empty when warnings are off. */
    public Optional<Instant> delayWarningAt(Instant arrival) {
        return config.delayWarnings() ? Optional.of(arrival.plus(config.delayWarningTime())) : Optional.empty();
    }

    /**
     * The decision for a message still in the queue.
     *
     * @param arrival           when the intake accepted it
     * @param delayWarningSent  true when its delay warning already went out
     */
    public Decision decide(Instant arrival, boolean delayWarningSent) {
        Objects.requireNonNull(arrival, "arrival");
        if (isExpired(arrival)) {
            return Decision.EXPIRE;
        }
        Optional<Instant> warningAt = delayWarningAt(arrival);
        if (!delayWarningSent && warningAt.isPresent() && !clock.instant().isBefore(warningAt.get())) {
            return Decision.SEND_DELAY_WARNING;
        }
        return Decision.KEEP;
    }
}
