package dev.steward.control.store;

import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The control plane's own moves of a job to a final state: EXPIRED (its window ended before an
 * agent took it) and CANCELLED (a halted rollout). Each move is conditional on the state read, so
 * a job an agent took meanwhile is left alone, and each successful move tells the
 * {@link JobOutcomeListener} in the same transaction, as an agent's result does.
 *
 * <p>Thread safety: stateless, thread-safe.
 */
public final class JobTransitions {

    private JobTransitions() {
    }

    /**
     * Moves a job that is still {@code from} to {@code to} with {@code reason} as its result, and
     * tells {@code listener}.
     *
     * @param to {@link JobState#EXPIRED} or {@link JobState#CANCELLED}
     * @return the job as it is now, or empty when it was no longer in state {@code from}
     */
    public static Optional<Job> withdraw(Handle handle, String jobId, JobState from, JobState to, String reason,
                                         Instant now, JobOutcomeListener listener) {
        if (to != JobState.EXPIRED && to != JobState.CANCELLED) {
            throw new IllegalArgumentException("the control plane only expires or cancels jobs, not " + to);
        }
        int updated = handle.createUpdate("""
                        update job set state = :to, finished_at = :now, result = :result, lease_until = null
                        where id = :id and state = :from
                        """)
                .bind("to", to.name()).bind("now", now).bind("result", AuditDetails.json("reason", reason))
                .bind("id", jobId).bind("from", from.name()).execute();
        if (updated == 0) {
            return Optional.empty();
        }
        Job job = handle.createQuery("select * from job where id = :id").bind("id", jobId)
                .map(JobRepository.MAPPER).one();
        listener.finished(handle, job);
        return Optional.of(job);
    }

    /** @return the ids of the jobs of {@code occurrenceId} that are still QUEUED (never handed out) */
    static List<String> queuedOfOccurrence(Handle handle, long occurrenceId) {
        return handle.createQuery("select id from job where occurrence_id = :occurrence and state = 'QUEUED' order by id")
                .bind("occurrence", occurrenceId).mapTo(String.class).list();
    }
}
