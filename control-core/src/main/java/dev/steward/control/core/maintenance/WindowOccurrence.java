package dev.steward.control.core.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * One concrete window: a kind and a real start and end, kept as {@link ZonedDateTime} in the
 * schedule's zone so that the offset in force at each end is at hand (the CLI prints it).
 *
 * <p>Thread safety: immutable.
 *
 * @param kind the kind of window
 * @param start the first instant of the window, inclusive
 * @param end the end of the window, exclusive; after {@code start}
 */
public record WindowOccurrence(WindowKind kind, ZonedDateTime start, ZonedDateTime end) {

    /** Validates {@code start < end}. */
    public WindowOccurrence {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.toInstant().isAfter(start.toInstant())) {
            throw new IllegalArgumentException("window end " + end + " is not after its start " + start);
        }
    }

    /** @return the real length (on a DST change day an hour shorter or longer than the wall-clock length) */
    public Duration length() {
        return Duration.between(start.toInstant(), end.toInstant());
    }

    /** @return true when {@code instant} lies in {@code [start, end)} */
    public boolean contains(Instant instant) {
        return !instant.isBefore(start.toInstant()) && instant.isBefore(end.toInstant());
    }

    /** @return the real time from {@code instant} to the end, zero when the window has ended */
    public Duration remainingAt(Instant instant) {
        Duration left = Duration.between(instant, end.toInstant());
        return left.isNegative() ? Duration.ZERO : left;
    }
}
