package dev.steward.agent.app;

import java.time.Duration;

/**
 * A point on the monotonic clock ({@link System#nanoTime()}) after which forward steps stop; wall
 * clock changes (NTP steps, DST) cannot move it once it is set.
 *
 * <p>Thread safety: immutable.
 */
record Deadline(long nanos, boolean none) {

    static final Deadline NONE = new Deadline(0, true);

    static Deadline after(Duration remaining) {
        return new Deadline(System.nanoTime() + remaining.toNanos(), false);
    }

    /** The time left, never negative; {@code null} when there is no deadline. */
    Duration remaining() {
        return none ? null : Duration.ofNanos(Math.max(0, nanos - System.nanoTime()));
    }

    boolean passed() {
        return !none && nanos - System.nanoTime() <= 0;
    }
}
