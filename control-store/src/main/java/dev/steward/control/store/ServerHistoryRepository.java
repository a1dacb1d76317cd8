package dev.steward.control.store;

import dev.steward.control.core.job.Job;
import java.time.Instant;
import java.util.List;

/**
 * A server's maintenance history, read-only: its jobs with the window each ran in and the summary
 * of its result (packages, reboot, downtime, rollback), and its part in application releases.
 *
 * <p>Thread safety: thread-safe; every method is its own transaction.
 */
public final class ServerHistoryRepository {

    /**
     * A job with its window.
     *
     * @param job the job as stored (the full result text included)
     * @param windowKind OS, APP or EMERGENCY, or null when the job has no window
     * @param windowStart the window's start, or null
     * @param windowEnd the window's end, or null
     * @param windowZone the window's zone, or null
     * @param summary the readable parts of the result
     */
    public record JobEntry(Job job, String windowKind, Instant windowStart, Instant windowEnd, String windowZone,
                           JobResultSummary summary) {
    }

    /**
     * The server's part in one release.
     *
     * @param releaseId the release
     * @param application the application's name
     * @param version the release's version
     * @param previousVersion the version it replaces, or null
     * @param releaseState the release's state
     * @param stage TEST or PRODUCTION
     * @param state the target's state
     * @param detail why (skipped, failed, rolled back), or null
     * @param windowStart the planned window's start, or null
     * @param jobId the job, or null
     * @param updatedAt when the target last changed
     */
    public record TargetEntry(long releaseId, String application, String version, String previousVersion,
                              String releaseState, String stage, String state, String detail, Instant windowStart,
                              String jobId, Instant updatedAt) {
    }

    private final Database database;

    /** @param database where the history lives */
    public ServerHistoryRepository(Database database) {
        this.database = database;
    }

    /** @return the server's jobs, newest first, at most {@code limit} (1..1000) */
    public List<JobEntry> jobs(long serverId, int limit) {
        checkLimit(limit);
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select j.*, w.kind as window_kind, w.starts_at as window_start, w.ends_at as window_end,
                               w.zone as window_zone
                        from job j left join window_occurrence w on w.id = j.occurrence_id
                        where j.server_id = :server
                        order by j.created_at desc, j.id
                        limit :limit
                        """)
                .bind("server", serverId).bind("limit", limit)
                .map((rs, ctx) -> {
                    Job job = JobRepository.MAPPER.map(rs, ctx);
                    return new JobEntry(job, rs.getString("window_kind"), Sql.instant(rs, "window_start"),
                            Sql.instant(rs, "window_end"), rs.getString("window_zone"), JobResultSummary.of(job));
                })
                .list());
    }

    /** @return the server's release targets, newest release first, at most {@code limit} (1..1000) */
    public List<TargetEntry> targets(long serverId, int limit) {
        checkLimit(limit);
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select t.*, r.version, r.previous_version, r.state as release_state, a.name as application_name,
                               w.starts_at as window_start
                        from release_target t
                        join app_release r on r.id = t.release_id
                        join application a on a.id = r.application_id
                        left join window_occurrence w on w.id = t.occurrence_id
                        where t.server_id = :server
                        order by t.release_id desc
                        limit :limit
                        """)
                .bind("server", serverId).bind("limit", limit)
                .map((rs, ctx) -> new TargetEntry(rs.getLong("release_id"), rs.getString("application_name"),
                        rs.getString("version"), rs.getString("previous_version"), rs.getString("release_state"),
                        rs.getString("stage"), rs.getString("state"), rs.getString("detail"),
                        Sql.instant(rs, "window_start"), rs.getString("job_id"), Sql.instant(rs, "updated_at")))
                .list());
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000, not " + limit);
        }
    }
}
