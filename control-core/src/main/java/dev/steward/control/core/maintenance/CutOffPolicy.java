package dev.steward.control.core.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The cut-off rule: no job starts in a window when the time left in it is shorter than the job's
 * expected duration, so that an update never runs past the announced end (MAINT-2: the app is
 * down "usually 5–10 minutes", inside the window).
 *
 * <p>Exactly enough time left is enough: a 10-minute job may start 10 minutes before the end. Time
 * left is real time ({@link WindowOccurrence#remainingAt}), so the DST hour is counted correctly.
 *
 * <p>Thread safety: stateless, thread-safe.
 */
public final class CutOffPolicy {

    /** What the executor may do with a job at an instant. */
    public enum Decision {
        /** The window is open and the job fits in what is left. */
        START,
        /** The window has not opened yet. */
        NOT_YET_OPEN,
        /** The window is open, but less time is left than the job needs. */
        TOO_LITTLE_TIME_LEFT,
        /** The window has ended. */
        CLOSED
    }

    private CutOffPolicy() {
    }

    /**
     * @param window the window the job is planned in
     * @param now the current instant (from the caller's {@code Clock})
     * @param expected the job's expected duration, positive
     */
    public static Decision decide(WindowOccurrence window, Instant now, Duration expected) {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(now, "now");
        if (expected.isNegative() || expected.isZero()) {
            throw new IllegalArgumentException("expected duration must be positive: " + expected);
        }
        if (now.isBefore(window.start().toInstant())) {
            return Decision.NOT_YET_OPEN;
        }
        if (!now.isBefore(window.end().toInstant())) {
            return Decision.CLOSED;
        }
        return window.remainingAt(now).compareTo(expected) >= 0 ? Decision.START : Decision.TOO_LITTLE_TIME_LEFT;
    }

    /** @return the latest instant at which a job of {@code expected} duration may start in {@code window} */
    public static Instant latestStart(WindowOccurrence window, Duration expected) {
        return window.end().toInstant().minus(expected);
    }
}
