package dev.steward.control.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A clock the test moves forward by hand (leases, expiries, cut-offs), starting at the real time
 * (to the second) so rows it stamps sort sensibly with rows stamped by the database's own clock.
 *
 * <p>Thread safety: thread-safe.
 */
public final class MovableClock extends Clock {

    private volatile Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    /** Moves the clock forward. */
    public void advance(Duration by) {
        now = now.plus(by);
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
