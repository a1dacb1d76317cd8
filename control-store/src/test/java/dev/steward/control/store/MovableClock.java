package dev.steward.control.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand (no sleeping): starts at a given instant and stays there until
 * {@link #set} or {@link #advance}.
 *
 * <p>Thread safety: thread-safe (the instant is volatile).
 */
public final class MovableClock extends Clock {

    private volatile Instant now; // the current instant

    /** @param start the first instant */
    public MovableClock(Instant start) {
        this.now = start;
    }

    /**
     * Starts at the real time, to the second, so that rows it stamps sort sensibly with rows the
     * database's own clock stamps.
     */
    public MovableClock() {
        this(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /** Moves to {@code instant}. */
    public MovableClock set(Instant instant) {
        now = instant;
        return this;
    }

    /** Moves on by {@code duration}. */
    public MovableClock advance(Duration duration) {
        now = now.plus(duration);
        return this;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a movable clock is UTC");
    }

    @Override
    public Instant instant() {
        return now;
    }
}
