package dev.steward.control.store;

import dev.steward.control.core.job.Job;
import org.jdbi.v3.core.Handle;

/**
 * Told when a job reaches a final state (an agent's result, or EXPIRED/CANCELLED by the control
 * plane), inside the transaction that records it, so that what follows from the outcome (a release
 * target's state, the next wave, a halted rollout) commits with it or not at all.
 *
 * <p>Because the result is accepted exactly once, this is called exactly once per job.
 */
@FunctionalInterface
public interface JobOutcomeListener {

    /** Does nothing. */
    JobOutcomeListener NONE = (handle, job) -> { };

    /**
     * @param handle the transaction that moved the job to its final state
     * @param job the job as it is now (final state, result set)
     */
    void finished(Handle handle, Job job);
}
