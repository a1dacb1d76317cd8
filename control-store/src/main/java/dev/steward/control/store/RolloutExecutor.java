package dev.steward.control.store;

import dev.steward.control.core.Actor;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.job.JobState;
import dev.steward.control.core.maintenance.CutOffPolicy;
import dev.steward.control.core.maintenance.WindowOccurrence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Execution of an application release in its windows (UPD-2 stage 2, issue 7 "execution in the
 * window"): waves, the cut-off, the failure budget, rollback reporting.
 *
 * <p><b>Waves.</b> When an application window opens, the release's PLANNED production targets of
 * that window (never NOTICE_BLOCKED ones) get {@code APP_UPDATE} jobs, at most the release's
 * {@code wave_size} at a time; the targets become QUEUED with the job id and the release
 * ROLLING_OUT. When every job of a wave has an outcome, the next wave is queued, while the window is
 * open and {@link CutOffPolicy} still lets a job of the release's expected duration start. Each
 * job's {@code latest_start} is the window's end minus that duration.
 *
 * <p><b>Outcomes</b> ({@link #finished}, a {@link JobOutcomeListener}, in the result's
 * transaction): SUCCEEDED, FAILED or ROLLED_BACK (a failed job whose result says
 * {@code "rolled_back": true} counts as ROLLED_BACK); EXPIRED becomes SKIPPED "cut-off", CANCELLED
 * SKIPPED with the reason. A failed server's detail and audit row say whether it was rolled back.
 *
 * <p><b>Failure budget.</b> When the release's FAILED plus ROLLED_BACK targets exceed its
 * {@code failure_budget}, the release is HALTED with the reason; its PLANNED targets become
 * SKIPPED and its jobs not yet handed out are CANCELLED. Jobs already on a server run to their end.
 *
 * <p><b>End.</b> At a window's end the release's PLANNED targets of that window are SKIPPED
 * ("window ended", or "window missed" when the control plane was down through it). A release whose
 * production targets are all final is DONE (a HALTED one stays HALTED).
 *
 * <p><b>Concurrency.</b> Each outcome locks its release's row first, so the outcomes of one release
 * are decided one after the other even when they arrive at once on several instances: the last
 * result of a wave always sees the others and queues the next wave (or finishes the release).
 *
 * <p>Every change writes its audit row in the same transaction, and each step one log line
 * ({@code rollout release= server= from_version= to_version= change_class= window= status=}).
 *
 * <p>Thread safety: thread-safe (stateless apart from its collaborators).
 */
public final class RolloutExecutor implements JobOutcomeListener {

    /** The actor of the executor's audit rows. */
    public static final Actor ACTOR = Actor.system("rollout");

    private static final Logger log = LoggerFactory.getLogger(RolloutExecutor.class);

    private final Clock clock;
    private final JobOutcomeListener outcomes; // told when this class cancels jobs (normally the composite it is in)

    /**
     * @param clock for outcomes, which carry no instant
     * @param outcomes the listener told when this class cancels a job (the composite this executor
     *     is added to, so that every owner of a job hears of it)
     */
    public RolloutExecutor(Clock clock, JobOutcomeListener outcomes) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
    }

    /** The columns of a release the executor needs. */
    record Release(long id, String application, String version, String previousVersion, String classification,
                   String stepsBefore, String stepsAfter, boolean security, String cveIds, String state,
                   Duration expected, int waveSize, int failureBudget) {
    }

    static Optional<Release> release(Handle handle, long releaseId) {
        return handle.createQuery("""
                        select r.*, a.slug from app_release r join application a on a.id = r.application_id
                        where r.id = :id
                        """)
                .bind("id", releaseId)
                .map((rs, ctx) -> new Release(rs.getLong("id"), rs.getString("slug"), rs.getString("version"),
                        rs.getString("previous_version"), rs.getString("classification"), rs.getString("steps_before"),
                        rs.getString("steps_after"), rs.getBoolean("security"), rs.getString("cve_ids"),
                        rs.getString("state"), Duration.ofSeconds(rs.getInt("expected_seconds")), rs.getInt("wave_size"),
                        rs.getInt("failure_budget")))
                .findOne();
    }

    /**
     * Queues the first wave of every release planned in {@code window}, which has just opened.
     *
     * @return how many jobs were queued
     */
    int windowOpened(Handle handle, StoredOccurrence window, Instant now) {
        List<Long> releases = handle.createQuery("""
                        select distinct release_id from release_target
                        where occurrence_id = :occurrence and stage = 'PRODUCTION' and state = 'PLANNED'
                        order by release_id
                        """)
                .bind("occurrence", window.id()).mapTo(Long.class).list();
        int queued = 0;
        for (long releaseId : releases) {
            lockRelease(handle, releaseId);
            queued += queueNextWave(handle, releaseId, window, now);
        }
        return queued;
    }

    /**
     * Queues the release's next wave in {@code window} when the previous one is done, the window is
     * open, the cut-off allows and the release is still going.
     *
     * @return how many jobs were queued
     */
    int queueNextWave(Handle handle, long releaseId, StoredOccurrence window, Instant now) {
        Release release = release(handle, releaseId).orElse(null);
        if (release == null || !(release.state().equals("PLANNED") || release.state().equals("ROLLING_OUT"))
                || !window.state().equals("OPEN")) {
            return 0;
        }
        int inFlight = handle.createQuery("""
                        select count(*) from release_target
                        where release_id = :release and occurrence_id = :occurrence and stage = 'PRODUCTION'
                          and state = 'QUEUED'
                        """)
                .bind("release", releaseId).bind("occurrence", window.id()).mapTo(Integer.class).one();
        if (inFlight > 0) {
            return 0;
        }
        WindowOccurrence occurrence = window.occurrence();
        CutOffPolicy.Decision decision = CutOffPolicy.decide(occurrence, now, release.expected());
        if (decision != CutOffPolicy.Decision.START) {
            log.info("rollout_wave_not_queued release={} window={} reason={}", releaseId, window.id(), decision);
            return 0;
        }
        List<Long> servers = handle.createQuery("""
                        select server_id from release_target
                        where release_id = :release and occurrence_id = :occurrence and stage = 'PRODUCTION'
                          and state = 'PLANNED'
                        order by server_id
                        limit :wave
                        """)
                .bind("release", releaseId).bind("occurrence", window.id()).bind("wave", release.waveSize())
                .mapTo(Long.class).list();
        if (servers.isEmpty()) {
            return 0;
        }
        Instant latestStart = CutOffPolicy.latestStart(occurrence, release.expected());
        String payload = AuditDetails.json("release_id", release.id(), "application", release.application(),
                "version", release.version(), "previous_version", release.previousVersion(),
                "steps_before", release.stepsBefore(), "steps_after", release.stepsAfter(),
                "security", release.security(), "cve_ids", release.cveIds(), "window_end", occurrence.end().toInstant());
        int queued = 0;
        for (long serverId : servers) {
            String jobId = JobRepository.enqueue(handle, now, new JobSpec(serverId, JobKind.APP_UPDATE, release.id(),
                    window.id(), payload, now, latestStart, release.expected()));
            int moved = handle.createUpdate("""
                            update release_target set state = 'QUEUED', job_id = :job, detail = null, updated_at = :now
                            where release_id = :release and server_id = :server and state = 'PLANNED'
                            """)
                    .bind("job", jobId).bind("now", now).bind("release", releaseId).bind("server", serverId).execute();
            if (moved != 1) {
                throw new IllegalStateException("release " + releaseId + " target " + serverId + " changed while queueing");
            }
            queued++;
            logStep(release, serverId, window.id(), "queued");
        }
        if (release.state().equals("PLANNED")) {
            handle.createUpdate("update app_release set state = 'ROLLING_OUT' where id = :id and state = 'PLANNED'")
                    .bind("id", releaseId).execute();
            AuditLogRepository.append(handle, now, ACTOR, "release.rollout_started", "release", releaseId,
                    "version", release.version(), "window_id", window.id(), "window_start", occurrence.start().toInstant());
        }
        AuditLogRepository.append(handle, now, ACTOR, "release.wave_queued", "release", releaseId,
                "window_id", window.id(), "servers", queued, "wave_size", release.waveSize(), "latest_start", latestStart);
        return queued;
    }

    /** A production-stage APP_UPDATE job's outcome (the listener). Other jobs are ignored. */
    @Override
    public void finished(Handle handle, Job job) {
        if (job.kind() != JobKind.APP_UPDATE || job.releaseId() == null || !job.state().isFinal()) {
            return;
        }
        // One outcome of a release at a time: the last two results of a wave, committed at once
        // (on one instance or two), would otherwise each still see the other's target QUEUED, and
        // neither would queue the next wave nor finish the release (found by ControlPlaneChaosIT).
        lockRelease(handle, job.releaseId());
        Optional<TargetRow> found = handle.createQuery("""
                        select release_id, server_id, occurrence_id, state from release_target
                        where release_id = :release and server_id = :server and job_id = :job and stage = 'PRODUCTION'
                        """)
                .bind("release", job.releaseId()).bind("server", job.serverId()).bind("job", job.id())
                .map((rs, ctx) -> new TargetRow(rs.getLong("release_id"), rs.getLong("server_id"),
                        Sql.nullableLong(rs, "occurrence_id"), rs.getString("state")))
                .findOne();
        if (found.isEmpty() || !found.get().state().equals("QUEUED")) {
            return;
        }
        TargetRow target = found.get();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Release release = release(handle, target.releaseId()).orElseThrow();
        JobResultSummary summary = JobResultSummary.of(job);
        boolean rolledBack = job.state() == JobState.ROLLED_BACK
                || job.state() == JobState.FAILED && Boolean.TRUE.equals(summary.rolledBack());
        String state;
        String detail;
        switch (job.state()) {
            case SUCCEEDED -> {
                state = "SUCCEEDED";
                detail = null;
            }
            case FAILED, ROLLED_BACK -> {
                state = rolledBack ? "ROLLED_BACK" : "FAILED";
                String why = summary.error() == null ? "" : ": " + summary.error();
                detail = truncate((rolledBack ? "failed, rolled back" : "failed, not rolled back") + why);
            }
            case EXPIRED -> {
                state = "SKIPPED";
                detail = "cut-off";
            }
            case CANCELLED -> {
                state = "SKIPPED";
                detail = truncate("cancelled" + (summary.reason() == null ? "" : ": " + summary.reason()));
            }
            default -> throw new IllegalStateException("not a final state: " + job.state());
        }
        handle.createUpdate("""
                        update release_target set state = :state, detail = :detail, updated_at = :now
                        where release_id = :release and server_id = :server and state = 'QUEUED'
                        """)
                .bind("state", state).bind("detail", detail).bind("now", now).bind("release", target.releaseId())
                .bind("server", target.serverId()).execute();
        logStep(release, target.serverId(), target.occurrenceId(), state.toLowerCase(java.util.Locale.ROOT));
        if (rolledBack) {
            // Issue 7: "a failed server rolled back and reported".
            AuditLogRepository.append(handle, now, ACTOR, "release.server_rolled_back", "release", target.releaseId(),
                    "server_id", target.serverId(), "job_id", job.id(), "version", release.version(),
                    "back_at", release.previousVersion(), "error", summary.error());
        } else {
            AuditLogRepository.append(handle, now, ACTOR, "release.server_finished", "release", target.releaseId(),
                    "server_id", target.serverId(), "job_id", job.id(), "state", state, "detail", detail);
        }
        if (state.equals("FAILED") || state.equals("ROLLED_BACK")) {
            checkBudget(handle, release, now);
        }
        if (target.occurrenceId() != null) {
            handle.createQuery("select * from window_occurrence where id = :id").bind("id", target.occurrenceId())
                    .map(WindowOccurrenceRepository.MAPPER).findOne()
                    .ifPresent(window -> queueNextWave(handle, target.releaseId(), window, now));
        }
        finishIfComplete(handle, target.releaseId(), now);
    }

    private record TargetRow(long releaseId, long serverId, Long occurrenceId, String state) {
    }

    /** Locks the release's row until the transaction ends (a concurrent outcome of it waits). */
    static void lockRelease(Handle handle, long releaseId) {
        handle.createQuery("select id from app_release where id = :id for update").bind("id", releaseId)
                .mapTo(Long.class).findOne();
    }

    private void checkBudget(Handle handle, Release release, Instant now) {
        int failed = handle.createQuery("""
                        select count(*) from release_target
                        where release_id = :release and stage = 'PRODUCTION' and state in ('FAILED', 'ROLLED_BACK')
                        """)
                .bind("release", release.id()).mapTo(Integer.class).one();
        if (failed <= release.failureBudget()) {
            return;
        }
        String reason = failed + " servers failed, more than the failure budget of " + release.failureBudget();
        int halted = handle.createUpdate("""
                        update app_release set state = 'HALTED', halt_reason = :reason
                        where id = :id and state in ('PLANNED', 'ROLLING_OUT')
                        """)
                .bind("reason", reason).bind("id", release.id()).execute();
        if (halted == 0) {
            return;
        }
        int skipped = handle.createUpdate("""
                        update release_target set state = 'SKIPPED', detail = 'rollout halted', updated_at = :now
                        where release_id = :release and stage = 'PRODUCTION' and state = 'PLANNED'
                        """)
                .bind("now", now).bind("release", release.id()).execute();
        List<String> undelivered = handle.createQuery("""
                        select id from job where release_id = :release and kind = 'APP_UPDATE' and state = 'QUEUED'
                        order by id
                        """)
                .bind("release", release.id()).mapTo(String.class).list();
        log.warn("rollout_halted release={} version={} failed={} budget={} skipped={} cancelled={}", release.id(),
                release.version(), failed, release.failureBudget(), skipped, undelivered.size());
        AuditLogRepository.append(handle, now, ACTOR, "release.halted", "release", release.id(), "reason", reason,
                "failed", failed, "failure_budget", release.failureBudget(), "targets_skipped", skipped,
                "jobs_cancelled", undelivered.size());
        for (String jobId : undelivered) {
            JobTransitions.withdraw(handle, jobId, JobState.QUEUED, JobState.CANCELLED, "rollout halted", now, outcomes);
        }
    }

    /**
     * Skips the PLANNED production targets of {@code window} (its end passed, or it was missed)
     * and finishes the releases that are then complete.
     *
     * @return how many targets were skipped
     */
    int windowEnded(Handle handle, StoredOccurrence window, String reason, Instant now) {
        List<Long> releases = handle.createQuery("""
                        select distinct release_id from release_target
                        where occurrence_id = :occurrence and stage = 'PRODUCTION'
                        order by release_id
                        """)
                .bind("occurrence", window.id()).mapTo(Long.class).list();
        int total = 0;
        for (long releaseId : releases) {
            lockRelease(handle, releaseId);
            int skipped = handle.createUpdate("""
                            update release_target set state = 'SKIPPED', detail = :reason, updated_at = :now
                            where release_id = :release and occurrence_id = :occurrence and stage = 'PRODUCTION'
                              and state = 'PLANNED'
                            """)
                    .bind("reason", reason).bind("now", now).bind("release", releaseId).bind("occurrence", window.id())
                    .execute();
            if (skipped > 0) {
                AuditLogRepository.append(handle, now, ACTOR, "release.targets_skipped", "release", releaseId,
                        "window_id", window.id(), "targets", skipped, "reason", reason);
                log.info("rollout_targets_skipped release={} window={} targets={} reason=\"{}\"", releaseId,
                        window.id(), skipped, reason);
            }
            total += skipped;
            finishIfComplete(handle, releaseId, now);
        }
        return total;
    }

    /** A release whose production targets all have an outcome is DONE (HALTED and CANCELLED stay). */
    void finishIfComplete(Handle handle, long releaseId, Instant now) {
        int open = handle.createQuery("""
                        select count(*) from release_target
                        where release_id = :release and stage = 'PRODUCTION' and state in ('PLANNED', 'QUEUED')
                        """)
                .bind("release", releaseId).mapTo(Integer.class).one();
        if (open > 0) {
            return;
        }
        int done = handle.createUpdate("""
                        update app_release set state = 'DONE', finished_at = :now
                        where id = :id and state in ('PLANNED', 'ROLLING_OUT')
                        """)
                .bind("now", now).bind("id", releaseId).execute();
        if (done == 1) {
            var counts = handle.createQuery("""
                            select state, count(*) as n from release_target
                            where release_id = :release and stage = 'PRODUCTION' group by state order by state
                            """)
                    .bind("release", releaseId)
                    .map((rs, ctx) -> rs.getString("state").toLowerCase(java.util.Locale.ROOT) + "=" + rs.getInt("n"))
                    .list();
            AuditLogRepository.append(handle, now, ACTOR, "release.done", "release", releaseId, "targets",
                    String.join(" ", counts));
            log.info("rollout_done release={} targets=\"{}\"", releaseId, String.join(" ", counts));
        }
    }

    private static void logStep(Release release, long serverId, Long windowId, String status) {
        log.info("rollout rollout_id={} server={} from_version={} to_version={} change_class={} window={} status={}",
                release.id(), serverId, release.previousVersion(), release.version(), release.classification(),
                windowId, status);
    }

    private static String truncate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
    }
}
