package dev.steward.agent.app;

import java.time.Duration;

/**
 * What one shell command did: facts only, the executor decides what they mean.
 *
 * <p>Thread safety: immutable.
 *
 * @param exitCode        the shell's exit status; null when it was killed or never started
 * @param timedOut        killed because the step's own timeout passed
 * @param deadlineReached killed because the job's deadline (the window's end) came first
 * @param duration        from start to exit (monotonic clock)
 * @param outputTail      the last bytes of stdout and stderr together (bounded, UTF-8)
 * @param outputBytes     how many bytes the command wrote in total
 * @param startError      why the command could not be started, or null
 */
public record CommandOutcome(Integer exitCode, boolean timedOut, boolean deadlineReached, Duration duration,
        String outputTail, long outputBytes, String startError) {

    /** Exited by itself with status 0. */
    public boolean ok() {
        return exitCode != null && exitCode == 0 && !timedOut && !deadlineReached;
    }

    /** Why it did not succeed, in a few words ({@code exit status 3}, {@code timed out after 15m}, ...). */
    public String failure(Duration timeout) {
        if (startError != null) {
            return "could not start: " + startError;
        }
        if (deadlineReached) {
            return "stopped at the deadline (the window's end) after " + Durations.text(duration);
        }
        if (timedOut) {
            return "timed out after " + Durations.text(timeout) + " and was killed";
        }
        return exitCode == null ? "no exit status" : "exit status " + exitCode;
    }
}
