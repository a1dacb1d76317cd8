package dev.steward.control.store;

import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.job.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Jobs for the agents (the {@code job} table): queued by the update pipeline and the OS-update
 * executor, handed out to agents through the job API.
 *
 * <p>Queueing takes the caller's {@link Handle} so that a job and the pipeline state that caused it
 * (a release target moving to QUEUED) commit together.
 *
 * <p>Thread safety: thread-safe; every public method without a handle is its own transaction.
 */
public final class JobRepository {

    static final RowMapper<Job> MAPPER = (rs, ctx) -> new Job(rs.getString("id"), rs.getLong("server_id"),
            JobKind.valueOf(rs.getString("kind")), Sql.nullableLong(rs, "release_id"),
            Sql.nullableLong(rs, "occurrence_id"), rs.getString("payload"), Sql.instant(rs, "not_before"),
            Sql.instant(rs, "latest_start"), Duration.ofSeconds(rs.getInt("expected_seconds")),
            JobState.valueOf(rs.getString("state")), rs.getInt("attempt"), Sql.instant(rs, "created_at"),
            Sql.instant(rs, "delivered_at"), Sql.instant(rs, "lease_until"), Sql.instant(rs, "started_at"),
            rs.getString("progress"), Sql.instant(rs, "finished_at"), rs.getString("result"));

    private final Database database;

    /** @param database where jobs live */
    public JobRepository(Database database) {
        this.database = database;
    }

    /**
     * Queues a job in the caller's transaction.
     *
     * @param now the queueing instant (the caller's clock, truncated to microseconds)
     * @return the new job's id (a random UUID)
     */
    public static String enqueue(Handle handle, Instant now, JobSpec spec) {
        String id = UUID.randomUUID().toString();
        handle.createUpdate("""
                        insert into job (id, server_id, kind, release_id, occurrence_id, payload, not_before, latest_start,
                                         expected_seconds, state, attempt, created_at)
                        values (:id, :serverId, :kind, :releaseId, :occurrenceId, :payload, :notBefore, :latestStart,
                                :expected, 'QUEUED', 0, :now)
                        """)
                .bind("id", id).bind("serverId", spec.serverId()).bind("kind", spec.kind().name())
                .bind("releaseId", spec.releaseId()).bind("occurrenceId", spec.occurrenceId())
                .bind("payload", spec.payload()).bind("notBefore", spec.notBefore())
                .bind("latestStart", spec.latestStart())
                .bind("expected", Math.toIntExact(Math.max(1, spec.expected().toSeconds())))
                .bind("now", now)
                .execute();
        return id;
    }

    /** Queues a job in a transaction of its own. */
    public String enqueue(JobSpec spec) {
        return database.jdbi().inTransaction(handle -> enqueue(handle, Sql.now(database), spec));
    }

    /** @return the job, if there is one with that id */
    public Optional<Job> find(String id) {
        return database.jdbi().withHandle(handle -> handle.createQuery("select * from job where id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    /** @return the server's jobs, newest first, at most {@code limit} */
    public List<Job> forServer(long serverId, int limit) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from job where server_id = :serverId order by created_at desc, id limit :limit
                        """)
                .bind("serverId", serverId).bind("limit", limit).map(MAPPER).list());
    }
}
