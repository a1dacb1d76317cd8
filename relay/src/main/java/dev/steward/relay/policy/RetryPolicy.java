package dev.steward.relay.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * When to try a deferred message again (Postfix {@code qmgr} backoff, STYLE B3): the first retry
 * {@code min_backoff} after the first failed attempt, then each wait twice the one before, never
 * longer than {@code max_backoff}, and never later than the message's expiry, so the last attempt
 * happens just as the message expires. With the defaults: 5m, 10m, 20m, 40m, 1h, 1h, ... until
 * five days after arrival.
 *
 * <p>Waits count from the failed attempt (the clock's now), not from a planned time: after a
 * restart or a long attempt the schedule shifts instead of firing a burst of overdue retries.
 * Durations are doubled as whole {@link Duration}s, never through floating point, so no attempt
 * drifts by a truncated second (maddy's pitfall).
 *
 * <p>The same doubling paces a destination that keeps failing as a whole (the
 * {@code deferDestination} flag of a failure): the queue manager holds back every message for it
 * until {@link #destinationRetryAt(int)}.
 *
 * <p>Pure: no I/O, no logging; time comes from the injected clock. Thread safety: immutable,
 * thread-safe.
 */
public final class RetryPolicy {

    private final RetryConfig config;
    private final Clock clock;

    public RetryPolicy(RetryConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The wait after the {@code failedAttempts}-th failed attempt in a row: {@code min_backoff} after
     * the first, doubled for each further one, at most {@code max_backoff}.
     *
     * @throws IllegalArgumentException when {@code failedAttempts} is below 1
     */
    public Duration backoff(int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("backoff is for 1 or more failed attempts, not " + failedAttempts);
        }
        Duration wait = config.minBackoff();
        // At most log2(max/min) + 1 doublings (about 20 with the config bounds) before the cap.
        for (int i = 1; i < failedAttempts && wait.compareTo(config.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : wait;
    }

    /**
     * When to try the message next, given that an attempt failed just now: now plus
     * {@link #backoff(int)}, but not after the message expires ({@code arrival + max_lifetime}).
     * With no attempt yet ({@code attemptsSoFar == 0}): now.
     *
     * @param arrival       when the intake accepted the message
     * @param attemptsSoFar the attempts made, all failed
     */
    public Instant nextAttempt(Instant arrival, int attemptsSoFar) {
        return nextAttemptAfter(arrival, attemptsSoFar, clock.instant());
    }

    /** As {@link #nextAttempt(Instant, int)}, with the time of the failed attempt given. */
    public Instant nextAttemptAfter(Instant arrival, int attemptsSoFar, Instant lastAttempt) {
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(lastAttempt, "lastAttempt");
        if (attemptsSoFar < 0) {
            throw new IllegalArgumentException("attempts cannot be negative: " + attemptsSoFar);
        }
        if (attemptsSoFar == 0) {
            return lastAttempt;
        }
        Instant next = lastAttempt.plus(backoff(attemptsSoFar));
        Instant expiry = arrival.plus(config.maxLifetime());
        return next.isAfter(expiry) ? (lastAttempt.isAfter(expiry) ? lastAttempt : expiry) : next;
    }

    /**
     * Every attempt a message would get if each one happened on time and failed: arrival first,
     * the last at expiry. For {@code mailq}-style displays and for tests; the queue manager uses
     * {@link #nextAttempt(Instant, int)}.
     */
    public List<Instant> plannedAttempts(Instant arrival) {
        Instant expiry = arrival.plus(config.maxLifetime());
        List<Instant> attempts = new ArrayList<>();
        Instant attempt = arrival;
        attempts.add(attempt);
        // Bounded: after the doublings every step is max_backoff >= 1s, and the lifetime is at most 100 days.
        while (attempt.isBefore(expiry)) {
            attempt = nextAttemptAfter(arrival, attempts.size(), attempt);
            attempts.add(attempt);
        }
        return attempts;
    }

    /**
     * Until when to hold back a destination after {@code consecutiveFailures} destination-wide
     * failures in a row (1 = the first): now plus {@link #backoff(int)}. The queue manager resets
     * the count on the first success.
     */
    public Instant destinationRetryAt(int consecutiveFailures) {
        return clock.instant().plus(backoff(consecutiveFailures));
    }
}
