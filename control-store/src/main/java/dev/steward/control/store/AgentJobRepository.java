package dev.steward.control.store;

import dev.steward.control.core.Actor;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The agents' side of the {@code job} table: handing out the next job under a lease, progress
 * reports, and results accepted exactly once (the job API of issue 7).
 *
 * <p><b>Delivery (at least once).</b> {@link #deliverNext} hands out the oldest job of the server
 * that is QUEUED with {@code not_before <= now}, or DELIVERED with a lease that ran out without a
 * progress report (the agent died or lost the answer): the job moves to DELIVERED with
 * {@code lease_until = now + lease} and {@code attempt + 1} by a conditional update on the state
 * and attempt read, so two polls (on one instance or on two sharing the database) never get the
 * same delivery. A RUNNING job is never handed out again: the agent said it started, and an update
 * half done must not be started twice; its lease only tells operators it went quiet.
 *
 * <p><b>The cut-off.</b> A job whose {@code latest_start} passed before it started is never handed
 * out (and a "started" report for it is refused): it becomes EXPIRED with the reason as its
 * result, and the {@link JobOutcomeListener} is told in that transaction.
 *
 * <p><b>Results (exactly once).</b> {@link #finish} moves a DELIVERED or RUNNING job to
 * SUCCEEDED, FAILED or ROLLED_BACK with one conditional update and calls the listener in the same
 * transaction; a concurrent second report waits for the first to commit and then matches nothing.
 * The identical result again is acknowledged ({@link Finish#repeated()}); a different one, or any
 * result for an EXPIRED or CANCELLED job, is a {@link JobReportRefusedException}. The caller
 * compares results as text, so it passes them in one canonical form.
 *
 * <p><b>Scope.</b> Every method takes the server of the agent that asks; a job of another
 * server is reported as unknown ({@link UnknownEntityException}), the same as a missing one.
 *
 * <p><b>Audit.</b> Delivery, start, expiry and the result are audited (entity {@code job}); a
 * progress message alone is not (it is kept on the job row).
 *
 * <p>Thread safety: thread-safe; every public method is its own transaction (or a few, for
 * expiries), and nothing is kept in memory.
 */
public final class AgentJobRepository {

    /** How long a delivery holds before the job is handed out again, unless configured. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);

    private static final Actor CUT_OFF = Actor.system("job-cut-off");

    /**
     * A result report's effect.
     *
     * @param job the job as it is now (final)
     * @param repeated true if the same result had been accepted before (nothing changed)
     */
    public record Finish(Job job, boolean repeated) {
    }

    /** One delivery attempt: lost to another poll, or the job delivered (null: none due). */
    private record Attempt(boolean lost, Job delivered) {
    }

    private final Database database;
    private final JobOutcomeListener listener;
    private final Clock clock;
    private final Duration lease;

    /**
     * @param listener told, in the same transaction, of every job that reaches a final state here
     * @param clock decides due, leased and expired jobs and stamps the rows (tests move it)
     * @param lease how long a delivery (or a progress report) holds, positive
     */
    public AgentJobRepository(Database database, JobOutcomeListener listener, Clock clock, Duration lease) {
        this.database = Objects.requireNonNull(database, "database");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be positive: " + lease);
        }
        this.lease = lease;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The lease a delivery gets. */
    public Duration lease() {
        return lease;
    }

    /**
     * Hands out the server's next job, if one is due, without waiting: first expires the server's
     * jobs whose latest start passed, then takes the oldest due job (see the class comment).
     *
     * @param agent the agent asking (the audit row's actor)
     * @return the job as delivered (DELIVERED, leased, attempt counted), or empty if none is due
     */
    public Optional<Job> deliverNext(Actor agent, long serverId) {
        expireOverdue(serverId);
        // A lost race (another poll took the candidate) means: look again; bounded, since each
        // loss is another poll's win.
        for (int round = 0; round < 5; round++) {
            Attempt attempt = database.jdbi().inTransaction(handle -> {
                Instant now = now();
                Optional<Job> candidate = handle.createQuery("""
                                select * from job
                                where server_id = :server
                                  and ((state = 'QUEUED' and not_before <= :now)
                                       or (state = 'DELIVERED' and lease_until <= :now))
                                  and (latest_start is null or latest_start > :now)
                                order by created_at, id
                                limit 1
                                """)
                        .bind("server", serverId).bind("now", now).map(JobRepository.MAPPER).findOne();
                if (candidate.isEmpty()) {
                    return new Attempt(false, null);
                }
                Job job = candidate.get();
                int taken = handle.createUpdate("""
                                update job set state = 'DELIVERED', attempt = attempt + 1, delivered_at = :now,
                                               lease_until = :lease
                                where id = :id and state = :state and attempt = :attempt
                                """)
                        .bind("now", now).bind("lease", now.plus(lease)).bind("id", job.id())
                        .bind("state", job.state().name()).bind("attempt", job.attempt()).execute();
                if (taken == 0) {
                    return new Attempt(true, null);
                }
                AuditLogRepository.append(handle, now, agent, "job.delivered", "job", job.id(),
                        "attempt", job.attempt() + 1, "lease_until", now.plus(lease));
                return new Attempt(false, read(handle, job.id()));
            });
            if (!attempt.lost()) {
                return Optional.ofNullable(attempt.delivered());
            }
        }
        return Optional.empty();
    }

    /**
     * The servers that have a job {@link #deliverNext} would act on now: QUEUED with
     * {@code not_before <= now}, or DELIVERED with a lease that ran out (including those whose
     * latest start passed, which {@link #deliverNext} expires). One query for every waiting long
     * poll at once (the control plane's poller asks this once per tick instead of one query per
     * waiting agent); it reads only QUEUED and DELIVERED jobs ({@code job_active_ix}, V8), so its
     * cost follows the jobs waiting to be handed out, not the table's history.
     *
     * @return the servers' ids (empty if none)
     */
    public Set<Long> serversWithDueJobs() {
        Instant now = now();
        return database.jdbi().withHandle(handle -> new HashSet<>(handle.createQuery("""
                        select distinct server_id from job
                        where (state = 'QUEUED' and not_before <= :now)
                           or (state = 'DELIVERED' and lease_until <= :now)
                        """)
                .bind("now", now).mapTo(Long.class).list()));
    }

    /**
     * Marks the server's jobs that can no longer start in time EXPIRED: QUEUED ones, and DELIVERED
     * ones whose lease ran out without a start, whose latest start passed. Each in its own
     * transaction with its listener call.
     *
     * @return how many this call expired
     */
    public int expireOverdue(long serverId) {
        Instant now = now();
        return expireAll(database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from job
                        where server_id = :server and latest_start <= :now
                          and (state = 'QUEUED' or (state = 'DELIVERED' and lease_until <= :now))
                        """)
                .bind("server", serverId).bind("now", now).map(JobRepository.MAPPER).list()));
    }

    /**
     * Expires the overdue jobs of every server, as {@link #expireOverdue(long)} does for one: for
     * a periodic sweep (e.g. at a window's end), so that jobs of servers whose agents never asked
     * reach a final state and their listener runs. Safe on several instances at once (each job
     * is expired by one conditional update).
     *
     * @return how many this call expired
     */
    public int expireOverdue() {
        Instant now = now();
        return expireAll(database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from job
                        where latest_start <= :now
                          and (state = 'QUEUED' or (state = 'DELIVERED' and lease_until <= :now))
                        """)
                .bind("now", now).map(JobRepository.MAPPER).list()));
    }

    private int expireAll(List<Job> overdue) {
        int expired = 0;
        for (Job job : overdue) {
            boolean done = database.jdbi().inTransaction(handle -> expire(handle, job, now(), CUT_OFF,
                    "latest start " + job.latestStart() + " passed before the job was started"));
            expired += done ? 1 : 0;
        }
        return expired;
    }

    /** Expires {@code job} if it is still as read; calls the listener. */
    private boolean expire(Handle handle, Job job, Instant now, Actor actor, String reason) {
        int rows = handle.createUpdate("""
                        update job set state = 'EXPIRED', finished_at = :now, result = :reason, lease_until = null
                        where id = :id and state = :state and attempt = :attempt
                        """)
                .bind("now", now).bind("reason", reason).bind("id", job.id()).bind("state", job.state().name())
                .bind("attempt", job.attempt()).execute();
        if (rows == 0) {
            return false;
        }
        AuditLogRepository.append(handle, now, actor, "job.expired", "job", job.id(), "reason", reason);
        listener.finished(handle, read(handle, job.id()));
        return true;
    }

    /**
     * Records the agent's progress: {@code started} moves a DELIVERED job to RUNNING (once); any
     * report keeps the message and extends the lease.
     *
     * @param message the agent's words, at most 2000 characters; null keeps the last one
     * @return the job as it is now
     * @throws UnknownEntityException if the server has no such job
     * @throws JobReportRefusedException if the job is not delivered or running, or if it is to
     *     start after its latest start (it is EXPIRED then)
     */
    public Job progress(Actor agent, long serverId, String jobId, boolean started, String message) {
        if (message != null && message.length() > 2000) {
            throw new IllegalArgumentException("a progress message is at most 2000 characters");
        }
        String[] expiredBecause = {null};
        Job after = database.jdbi().inTransaction(handle -> {
            Instant now = now();
            Job job = own(handle, serverId, jobId, true);
            refuseUnlessActive(job);
            if (started && job.state() == JobState.DELIVERED && job.latestStart() != null
                    && !job.latestStart().isAfter(now)) {
                // The expiry commits (with its listener call); the refusal follows after the commit.
                expiredBecause[0] = "latest start " + job.latestStart() + " passed before the agent started the job";
                expire(handle, job, now, agent, expiredBecause[0]);
                return read(handle, jobId);
            }
            boolean starts = started && job.state() == JobState.DELIVERED;
            handle.createUpdate("""
                            update job set state = :state, started_at = coalesce(started_at, :started),
                                           progress = coalesce(:message, progress), lease_until = :lease
                            where id = :id
                            """)
                    .bind("state", starts ? JobState.RUNNING.name() : job.state().name())
                    .bindByType("started", starts ? now : null, Instant.class)
                    .bind("message", message).bind("lease", now.plus(lease)).bind("id", jobId).execute();
            if (starts) {
                AuditLogRepository.append(handle, now, agent, "job.started", "job", jobId, "attempt", job.attempt());
            }
            return read(handle, jobId);
        });
        if (expiredBecause[0] != null) {
            throw new JobReportRefusedException(JobReportRefusedException.Reason.EXPIRED, after,
                    "job " + jobId + " expired: " + expiredBecause[0]);
        }
        return after;
    }

    /**
     * Accepts the agent's result exactly once (see the class comment).
     *
     * @param outcome SUCCEEDED, FAILED or ROLLED_BACK
     * @param result the result as canonical JSON text (compared as text with a repeated report)
     * @throws UnknownEntityException if the server has no such job
     * @throws JobReportRefusedException if the job has another result, expired, was cancelled or
     *     was never delivered
     */
    public Finish finish(Actor agent, long serverId, String jobId, JobState outcome, String result) {
        if (outcome != JobState.SUCCEEDED && outcome != JobState.FAILED && outcome != JobState.ROLLED_BACK) {
            throw new IllegalArgumentException("a result is SUCCEEDED, FAILED or ROLLED_BACK, not " + outcome);
        }
        Objects.requireNonNull(result, "result");
        if (result.length() > 20_000) {
            throw new IllegalArgumentException("a result is at most 20000 characters of JSON");
        }
        return database.jdbi().inTransaction(handle -> {
            Instant now = now();
            Job before = own(handle, serverId, jobId, false);
            int rows = handle.createUpdate("""
                            update job set state = :outcome, result = :result, finished_at = :now, lease_until = null
                            where id = :id and state in ('DELIVERED', 'RUNNING')
                            """)
                    .bind("outcome", outcome.name()).bind("result", result).bind("now", now).bind("id", jobId)
                    .execute();
            if (rows == 1) {
                Job finished = read(handle, jobId);
                AuditLogRepository.append(handle, now, agent, "job.finished", "job", jobId,
                        "state", outcome.name(), "attempt", finished.attempt());
                listener.finished(handle, finished);
                return new Finish(finished, false);
            }
            // Nothing matched: either it was never active, or another report (maybe concurrent,
            // now committed) finished it. Read what is there now.
            Job now2 = read(handle, jobId);
            if (now2.state() == outcome && result.equals(now2.result())) {
                return new Finish(now2, true);
            }
            refuseUnlessActive(now2);
            throw new IllegalStateException("job " + jobId + " was " + before.state() + " and is " + now2.state()
                    + " but did not take the result");
        });
    }

    private static void refuseUnlessActive(Job job) {
        switch (job.state()) {
            case DELIVERED, RUNNING -> {
                return;
            }
            case QUEUED -> throw new JobReportRefusedException(JobReportRefusedException.Reason.NOT_DELIVERED, job,
                    "job " + job.id() + " was not handed out yet");
            case EXPIRED -> throw new JobReportRefusedException(JobReportRefusedException.Reason.EXPIRED, job,
                    "job " + job.id() + " expired: " + job.result());
            case CANCELLED -> throw new JobReportRefusedException(JobReportRefusedException.Reason.CANCELLED, job,
                    "job " + job.id() + " was cancelled: " + job.result());
            case SUCCEEDED, FAILED, ROLLED_BACK -> throw new JobReportRefusedException(
                    JobReportRefusedException.Reason.ALREADY_FINISHED, job,
                    "job " + job.id() + " already has a different result (" + job.state() + ")");
            default -> throw new IllegalStateException("unknown job state " + job.state());
        }
    }

    /** The server's job, if it is that server's; its row locked when {@code lock}. */
    private static Job own(Handle handle, long serverId, String jobId, boolean lock) {
        return handle.createQuery("select * from job where id = :id and server_id = :server"
                        + (lock ? " for update" : ""))
                .bind("id", jobId).bind("server", serverId).map(JobRepository.MAPPER).findOne()
                .orElseThrow(() -> new UnknownEntityException("job", jobId));
    }

    private static Job read(Handle handle, String jobId) {
        return handle.createQuery("select * from job where id = :id").bind("id", jobId).map(JobRepository.MAPPER).one();
    }

    /** The server's job, if it is that server's. */
    public Optional<Job> find(long serverId, String jobId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select * from job where id = :id and server_id = :server
                        """)
                .bind("id", jobId).bind("server", serverId).map(JobRepository.MAPPER).findOne());
    }
}
