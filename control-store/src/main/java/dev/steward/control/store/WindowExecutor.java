package dev.steward.control.store;

import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.job.JobState;
import dev.steward.control.core.maintenance.BlackoutDates;
import dev.steward.control.core.maintenance.CutOffPolicy;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.WindowCalendar;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that happens at and inside maintenance windows, as tasks of the {@link TaskScheduler}.
 *
 * <p><b>Materialising</b> ({@value #MATERIALISE}, recurring, hourly): for every distinct
 * effective schedule (the fleet's and each customer's), the OS and application occurrences of the
 * next {@code weeksAhead} weeks become {@code window_occurrence} rows (shared by every schedule that
 * gives the same kind, instants and zone), each with a {@value #OPEN} task at its exact start and a
 * {@value #CLOSE} task at its exact end. Blackouts do not stop a window from existing; they keep
 * servers out of it when it opens.
 *
 * <p><b>Missed windows.</b> A window whose end passed while it was still PLANNED (the control plane
 * was down through it) becomes MISSED, is logged and audited, and its work is never started late:
 * its planned release targets are SKIPPED "window missed".
 *
 * <p><b>Opening</b> ({@value #OPEN}): PLANNED → OPEN. An OS window queues an {@code OS_UPDATE} job
 * (MAINT-1) for every server whose customer's effective schedule produces this very occurrence and
 * that has no customer or server blackout on its local date, with {@code latest_start} = end −
 * the expected OS duration; nothing is queued when the cut-off no longer allows it. An application
 * (or emergency) window hands its planned release targets to the {@link RolloutExecutor}.
 *
 * <p><b>Closing</b> ({@value #CLOSE}): OPEN → CLOSED; the window's jobs never handed out are
 * EXPIRED (their latest start has passed), and its remaining PLANNED targets SKIPPED "window ended".
 *
 * <p>Each step runs in the scheduler's transaction, so it commits exactly once even with several
 * control-plane instances; state changes are conditional on the state read.
 *
 * <p>Thread safety: thread-safe.
 */
public final class WindowExecutor {

    /** Task: open window {@code instance} (the occurrence id). */
    public static final String OPEN = "window-open";
    /** Task: close window {@code instance} (the occurrence id). */
    public static final String CLOSE = "window-close";
    /** Recurring task: materialise the coming windows and find missed ones. */
    public static final String MATERIALISE = "windows-materialise";
    /** Recurring task: delete old done one-time tasks. */
    public static final String HOUSEKEEPING = "tasks-housekeeping";
    /** How often windows are materialised. */
    public static final Duration MATERIALISE_INTERVAL = Duration.ofHours(1);
    /** Done one-time tasks are kept this long. */
    public static final Duration TASK_RETENTION = Duration.ofDays(90);

    private static final Logger log = LoggerFactory.getLogger(WindowExecutor.class);

    private final MaintenanceSettingsRepository settings;
    private final RolloutExecutor rollout;
    private final JobOutcomeListener outcomes;
    private final Duration osExpected;
    private final int weeksAhead;

    /**
     * @param settings the fleet schedule and customers' overrides and blackouts
     * @param rollout executes application releases
     * @param outcomes told when a window's end expires a job (normally the composite listener)
     * @param osExpected the expected duration of an OS update (the cut-off uses it)
     * @param weeksAhead how many weeks of windows to materialise, 1..520
     */
    public WindowExecutor(MaintenanceSettingsRepository settings, RolloutExecutor rollout, JobOutcomeListener outcomes,
                          Duration osExpected, int weeksAhead) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.rollout = Objects.requireNonNull(rollout, "rollout");
        this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
        if (osExpected.isNegative() || osExpected.isZero()) {
            throw new IllegalArgumentException("the expected OS update duration must be positive: " + osExpected);
        }
        if (weeksAhead < 1 || weeksAhead > 520) {
            throw new IllegalArgumentException("weeks ahead must be 1..520, not " + weeksAhead);
        }
        this.osExpected = osExpected;
        this.weeksAhead = weeksAhead;
    }

    /** Registers the window tasks and the recurring materialisation and housekeeping. */
    public void register(TaskScheduler scheduler) {
        registerWindowTasks(scheduler);
        scheduler.registerRecurring(MATERIALISE, MATERIALISE_INTERVAL, (handle, task, now) -> materialise(handle, now));
        scheduler.registerRecurring(HOUSEKEEPING, Duration.ofDays(1), (handle, task, now) -> {
            int deleted = TaskScheduler.deleteDoneBefore(handle, now.minus(TASK_RETENTION));
            if (deleted > 0) {
                log.info("tasks_pruned deleted={}", deleted);
            }
        });
    }

    /** Registers only the handlers of the {@value #OPEN} and {@value #CLOSE} tasks. */
    public void registerWindowTasks(TaskScheduler scheduler) {
        scheduler.register(OPEN, (handle, task, now) -> open(handle, Long.parseLong(task.instance()), now));
        scheduler.register(CLOSE, (handle, task, now) -> close(handle, Long.parseLong(task.instance()), now));
    }

    /**
     * Schedules the start and end tasks of a window (idempotent). The pipeline's emergency lane
     * calls this for the EMERGENCY occurrences it creates.
     */
    public static void scheduleWindow(Handle handle, long occurrenceId, WindowOccurrence occurrence) {
        TaskScheduler.schedule(handle, OPEN, Long.toString(occurrenceId), occurrence.start().toInstant(), null);
        TaskScheduler.schedule(handle, CLOSE, Long.toString(occurrenceId), occurrence.end().toInstant(), null);
    }

    /**
     * What one materialisation did.
     *
     * @param schedules distinct schedules looked at
     * @param windows occurrences ensured (created or already there)
     * @param missed windows found missed
     */
    public record Materialised(int schedules, int windows, int missed) {
    }

    /** Materialises the coming windows and marks missed ones, in the caller's transaction. */
    public Materialised materialise(Handle handle, Instant now) {
        List<StoredOccurrence> passed = handle.createQuery("""
                        select * from window_occurrence where state = 'PLANNED' and ends_at <= :now order by starts_at, id
                        """)
                .bind("now", now).map(WindowOccurrenceRepository.MAPPER).list();
        for (StoredOccurrence window : passed) {
            missed(handle, window, now);
        }
        Set<MaintenanceSchedule> schedules = new LinkedHashSet<>();
        schedules.add(settings.fleet());
        schedules.addAll(settings.allSchedules().values());
        int windows = 0;
        for (MaintenanceSchedule schedule : schedules) {
            WindowCalendar calendar = new WindowCalendar(schedule, BlackoutDates.NONE);
            for (WindowKind kind : List.of(WindowKind.OS, WindowKind.APP)) {
                for (WindowOccurrence occurrence : calendar.next(kind, now, weeksAhead)) {
                    long id = WindowOccurrenceRepository.idOf(handle, occurrence);
                    scheduleWindow(handle, id, occurrence);
                    windows++;
                }
            }
        }
        log.debug("windows_materialised schedules={} windows={} missed={}", schedules.size(), windows, passed.size());
        return new Materialised(schedules.size(), windows, passed.size());
    }

    /**
     * Opens a window (its start task). A window already opened, closed or missed is left alone; one
     * whose end has passed is MISSED instead.
     *
     * @return how many jobs were queued
     */
    public int open(Handle handle, long occurrenceId, Instant now) {
        Optional<StoredOccurrence> found = find(handle, occurrenceId);
        if (found.isEmpty() || !found.get().state().equals("PLANNED")) {
            log.info("window_open_skipped id={} state={}", occurrenceId, found.map(StoredOccurrence::state).orElse("none"));
            return 0;
        }
        StoredOccurrence planned = found.get();
        WindowOccurrence occurrence = planned.occurrence();
        if (!now.isBefore(occurrence.end().toInstant())) {
            missed(handle, planned, now);
            return 0;
        }
        int updated = handle.createUpdate("""
                        update window_occurrence set state = 'OPEN', opened_at = :now where id = :id and state = 'PLANNED'
                        """)
                .bind("now", now).bind("id", occurrenceId).execute();
        if (updated == 0) {
            return 0;
        }
        StoredOccurrence window = new StoredOccurrence(occurrenceId, occurrence, "OPEN", now, null);
        int queued = occurrence.kind() == WindowKind.OS ? queueOsUpdates(handle, window, now)
                : rollout.windowOpened(handle, window, now);
        log.info("window_opened id={} kind={} start={} end={} zone={} late_by={}s jobs={}", occurrenceId,
                occurrence.kind(), occurrence.start().toInstant(), occurrence.end().toInstant(),
                occurrence.start().getZone().getId(),
                Duration.between(occurrence.start().toInstant(), now).toSeconds(), queued);
        AuditLogRepository.append(handle, now, RolloutExecutor.ACTOR, "window.opened", "window_occurrence", occurrenceId,
                "kind", occurrence.kind(), "starts_at", occurrence.start().toInstant(),
                "ends_at", occurrence.end().toInstant(), "zone", occurrence.start().getZone().getId(), "jobs", queued);
        return queued;
    }

    /**
     * Closes a window (its end task): jobs never handed out EXPIRE, planned targets are SKIPPED. A
     * window that never opened is MISSED.
     */
    public void close(Handle handle, long occurrenceId, Instant now) {
        Optional<StoredOccurrence> found = find(handle, occurrenceId);
        if (found.isEmpty()) {
            return;
        }
        StoredOccurrence window = found.get();
        if (window.state().equals("PLANNED")) {
            missed(handle, window, now);
            return;
        }
        if (!window.state().equals("OPEN")) {
            return;
        }
        handle.createUpdate("update window_occurrence set state = 'CLOSED', closed_at = :now where id = :id and state = 'OPEN'")
                .bind("now", now).bind("id", occurrenceId).execute();
        StoredOccurrence closed = new StoredOccurrence(occurrenceId, window.occurrence(), "CLOSED", window.openedAt(), now);
        int expired = 0;
        for (String jobId : JobTransitions.queuedOfOccurrence(handle, occurrenceId)) {
            if (JobTransitions.withdraw(handle, jobId, JobState.QUEUED, JobState.EXPIRED, "window ended", now, outcomes)
                    .isPresent()) {
                expired++;
            }
        }
        int skipped = rollout.windowEnded(handle, closed, "window ended", now);
        log.info("window_closed id={} kind={} jobs_expired={} targets_skipped={}", occurrenceId,
                window.occurrence().kind(), expired, skipped);
        AuditLogRepository.append(handle, now, RolloutExecutor.ACTOR, "window.closed", "window_occurrence", occurrenceId,
                "kind", window.occurrence().kind(), "jobs_expired", expired, "targets_skipped", skipped);
    }

    private void missed(Handle handle, StoredOccurrence window, Instant now) {
        int updated = handle.createUpdate("update window_occurrence set state = 'MISSED' where id = :id and state = 'PLANNED'")
                .bind("id", window.id()).execute();
        if (updated == 0) {
            return;
        }
        WindowOccurrence occurrence = window.occurrence();
        StoredOccurrence missed = new StoredOccurrence(window.id(), occurrence, "MISSED", null, null);
        int skipped = rollout.windowEnded(handle, missed, "window missed", now);
        log.warn("window_missed id={} kind={} start={} end={} zone={} targets_skipped={} reason=\"the control plane was"
                        + " not running during the window; its work is not started late\"", window.id(), occurrence.kind(),
                occurrence.start().toInstant(), occurrence.end().toInstant(), occurrence.start().getZone().getId(), skipped);
        AuditLogRepository.append(handle, now, RolloutExecutor.ACTOR, "window.missed", "window_occurrence", window.id(),
                "kind", occurrence.kind(), "starts_at", occurrence.start().toInstant(),
                "ends_at", occurrence.end().toInstant(), "targets_skipped", skipped);
    }

    /** MAINT-1: the weekly OS update for every server whose schedule gives this window and that is not blacked out. */
    private int queueOsUpdates(Handle handle, StoredOccurrence window, Instant now) {
        WindowOccurrence occurrence = window.occurrence();
        CutOffPolicy.Decision decision = CutOffPolicy.decide(occurrence, now, osExpected);
        if (decision != CutOffPolicy.Decision.START) {
            log.warn("os_updates_not_queued window={} reason={} expected={}s", window.id(), decision, osExpected.toSeconds());
            return 0;
        }
        LocalDate date = occurrence.start().toLocalDate();
        Set<Long> customers = new HashSet<>();
        for (Map.Entry<Long, MaintenanceSchedule> entry : settings.allSchedules().entrySet()) {
            if (produces(entry.getValue(), occurrence)) {
                customers.add(entry.getKey());
            }
        }
        Set<Long> blackedOutCustomers = new HashSet<>();
        Set<Long> blackedOutServers = new HashSet<>();
        for (Blackout blackout : settings.allBlackouts(date)) {
            if (!blackout.firstDay().isAfter(date) && !blackout.lastDay().isBefore(date)) {
                if (blackout.customerId() != null) {
                    blackedOutCustomers.add(blackout.customerId());
                } else {
                    blackedOutServers.add(blackout.serverId());
                }
            }
        }
        record ServerRow(long id, long customerId) {
        }
        List<ServerRow> servers = handle.createQuery("select id, customer_id from server order by id")
                .map((rs, ctx) -> new ServerRow(rs.getLong("id"), rs.getLong("customer_id"))).list();
        Instant latestStart = CutOffPolicy.latestStart(occurrence, osExpected);
        String payload = AuditDetails.json("window_id", window.id(), "window_end", occurrence.end().toInstant());
        int queued = 0;
        int blackedOut = 0;
        for (ServerRow server : servers) {
            if (!customers.contains(server.customerId())) {
                continue;
            }
            if (blackedOutCustomers.contains(server.customerId()) || blackedOutServers.contains(server.id())) {
                blackedOut++;
                continue;
            }
            JobRepository.enqueue(handle, now, new JobSpec(server.id(), JobKind.OS_UPDATE, null, window.id(), payload, now,
                    latestStart, osExpected));
            queued++;
        }
        log.info("os_updates_queued window={} servers={} blacked_out={} latest_start={}", window.id(), queued, blackedOut,
                latestStart);
        AuditLogRepository.append(handle, now, RolloutExecutor.ACTOR, "window.os_updates_queued", "window_occurrence",
                window.id(), "servers", queued, "blacked_out", blackedOut, "latest_start", latestStart);
        return queued;
    }

    /** Whether {@code schedule} has {@code occurrence} as one of its windows (same kind, zone and instants). */
    static boolean produces(MaintenanceSchedule schedule, WindowOccurrence occurrence) {
        if (!schedule.zone().getId().equals(occurrence.start().getZone().getId())) {
            return false;
        }
        return new WindowCalendar(schedule, BlackoutDates.NONE).on(occurrence.kind(), occurrence.start().toLocalDate())
                .filter(own -> own.start().toInstant().equals(occurrence.start().toInstant())
                        && own.end().toInstant().equals(occurrence.end().toInstant()))
                .isPresent();
    }

    private static Optional<StoredOccurrence> find(Handle handle, long id) {
        return handle.createQuery("select * from window_occurrence where id = :id").bind("id", id)
                .map(WindowOccurrenceRepository.MAPPER).findOne();
    }
}
