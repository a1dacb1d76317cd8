package dev.steward.control.core.release;

/**
 * One server's part in a release ({@code release_target.state}):
 * {@code PLANNED → QUEUED → SUCCEEDED | FAILED | ROLLED_BACK}; {@code NOTICE_BLOCKED} while the
 * customer's notice is not (or could not be) sent, so the slot is not used; {@code SKIPPED} for a
 * server already at the version, a cancelled release or a halted rollout.
 *
 * <p>Thread safety: immutable.
 */
public enum TargetState {
    /** In its window, waiting for it. */
    PLANNED,
    /** Its customer's notice is not sent (yet, or it failed): the slot is not used. */
    NOTICE_BLOCKED,
    /** A job exists for it. */
    QUEUED,
    /** Installed and healthy. */
    SUCCEEDED,
    /** Failed (not rolled back, or the job expired). */
    FAILED,
    /** Failed and put back as it was. */
    ROLLED_BACK,
    /** Not done: already at the version, cancelled, or halted. */
    SKIPPED;

    /** @return true for the states a target never leaves */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == ROLLED_BACK || this == SKIPPED;
    }
}
