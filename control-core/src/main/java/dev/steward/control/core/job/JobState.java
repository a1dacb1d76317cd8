package dev.steward.control.core.job;

/**
 * Where a job is. {@code QUEUED → DELIVERED → RUNNING → SUCCEEDED | FAILED | ROLLED_BACK};
 * {@code EXPIRED} when its latest start passed before an agent took it; {@code CANCELLED} by an
 * operator or a halted rollout. A DELIVERED job whose lease runs out without progress is handed out
 * again (at-least-once delivery).
 */
public enum JobState {
    /** Waiting for its server's agent (and for {@code not_before}). */
    QUEUED,
    /** Handed to the agent; leased until {@code lease_until}. */
    DELIVERED,
    /** The agent reported that it started. */
    RUNNING,
    /** Done, healthy. */
    SUCCEEDED,
    /** Failed and not rolled back (or the rollback failed too). */
    FAILED,
    /** Failed, and the server was put back as it was. */
    ROLLED_BACK,
    /** Its latest start passed before an agent took it (the cut-off). */
    EXPIRED,
    /** Withdrawn before it ran. */
    CANCELLED;

    /** @return true for the states a job never leaves */
    public boolean isFinal() {
        return switch (this) {
            case SUCCEEDED, FAILED, ROLLED_BACK, EXPIRED, CANCELLED -> true;
            case QUEUED, DELIVERED, RUNNING -> false;
        };
    }
}
