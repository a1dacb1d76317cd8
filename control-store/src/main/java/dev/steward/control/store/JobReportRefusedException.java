package dev.steward.control.store;

import dev.steward.control.core.ControlException;
import dev.steward.control.core.job.Job;

/**
 * An agent's progress or result report that does not fit the job's state; nothing was changed.
 *
 * <p>Thread safety: immutable.
 */
public final class JobReportRefusedException extends ControlException {

    /** Why the report was refused. */
    public enum Reason {
        /** The job has a result already, and this report is a different one. */
        ALREADY_FINISHED,
        /** The job expired (its latest start passed) before it started. */
        EXPIRED,
        /** The job was cancelled. */
        CANCELLED,
        /** The job was never handed out, so nobody can be reporting on it. */
        NOT_DELIVERED
    }

    private final Reason reason;
    private final transient Job job;

    /**
     * @param reason why
     * @param job the job as it is now
     * @param message for people
     */
    public JobReportRefusedException(Reason reason, Job job, String message) {
        super(message);
        this.reason = reason;
        this.job = job;
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }

    /** The job as it is now. */
    public Job job() {
        return job;
    }
}
