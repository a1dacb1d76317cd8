package dev.steward.agent.app;

import java.time.Duration;

/**
 * The result of waiting for an application to become healthy.
 *
 * <p>Thread safety: immutable.
 *
 * @param ok              one attempt succeeded
 * @param attempts        how many attempts were made
 * @param lastStatus      the HTTP status of the last attempt that got an answer (url checks), else null
 * @param lastError       why the last failed attempt failed (connection refused, status 500, exit
 *                        status 1 and its output's last line), or null when none failed
 * @param duration        from the first attempt until success or giving up (monotonic clock)
 * @param healthyAtNanos  {@link System#nanoTime()} when the successful attempt ended; 0 when not ok
 * @param deadlineReached gave up early because the job's deadline came before the health timeout
 */
public record HealthOutcome(boolean ok, int attempts, Integer lastStatus, String lastError, Duration duration,
        long healthyAtNanos, boolean deadlineReached) {

    /** Why the application is not healthy, for the job's reason. */
    public String failure(HealthCheckSpec spec) {
        String why = lastError == null ? "no successful attempt" : lastError;
        return (deadlineReached ? "not healthy before the deadline (the window's end)" : "not healthy within "
                + Durations.text(spec.timeout())) + " after " + attempts + " attempt(s); last: " + why;
    }
}
