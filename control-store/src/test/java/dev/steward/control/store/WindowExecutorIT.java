package dev.steward.control.store;

import static dev.steward.control.store.Fixtures.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Customer;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobState;
import dev.steward.control.core.maintenance.BlackoutDates;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.ScheduleOverride;
import dev.steward.control.core.maintenance.WeeklyWindow;
import dev.steward.control.core.maintenance.WindowCalendar;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.store.DatabaseExtension.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Execution in the window on both databases, with rows inserted directly (a PLANNED release with
 * PLANNED production targets, as the pipeline leaves them) and a scripted agent that finishes jobs
 * the way the job API does: the job row to its final state and the listener, in one transaction.
 * Each test keeps to its own year, so the tests share the class database without touching each
 * other's windows.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class WindowExecutorIT {

    /** The executor with its collaborators, on one movable clock. */
    record Rig(Database database, MovableClock clock, CompositeJobOutcomeListener outcomes, WindowExecutor executor,
               TaskScheduler scheduler, Fixtures fixtures, MaintenanceSettingsRepository settings) {

        static Rig on(Database database, Instant start) {
            return on(database, new MovableClock(start), "it");
        }

        static Rig on(Database database, MovableClock clock, String instance) {
            MaintenanceSettingsRepository settings = new MaintenanceSettingsRepository(database, MaintenanceSchedule.DEFAULT);
            CompositeJobOutcomeListener outcomes = new CompositeJobOutcomeListener();
            RolloutExecutor rollout = new RolloutExecutor(clock, outcomes);
            outcomes.add(rollout);
            WindowExecutor executor = new WindowExecutor(settings, rollout, outcomes, Duration.ofMinutes(30), 8);
            TaskScheduler scheduler = new TaskScheduler(database, clock, instance, Duration.ofMinutes(5));
            executor.registerWindowTasks(scheduler);
            return new Rig(database, clock, outcomes, executor, scheduler, new Fixtures(database), settings);
        }

        WindowExecutor.Materialised materialise() {
            return database.jdbi().inTransaction(handle -> executor.materialise(handle, clock.instant()));
        }

        /** Moves the clock and runs what is due. */
        void at(String instant) {
            clock.set(Instant.parse(instant));
            scheduler.runDue();
        }

        long release(Application application, int waveSize, int failureBudget, Duration expected) {
            return database.jdbi().withHandle(handle -> handle.createUpdate("""
                            insert into app_release (application_id, version, previous_version, classification, announce_as,
                                changelog, steps_before, steps_after, security, cve_ids, immediate, source, state,
                                registered_by, registered_at, expected_seconds, wave_size, failure_budget)
                            values (:app, :version, '1.0.0', 'MINOR', 'MINOR', 'changes', 'back up', 'log in', false, '',
                                false, 'OPERATOR', 'PLANNED', 'ops', :now, :expected, :wave, :budget)
                            """)
                    .bind("app", application.id()).bind("version", "1." + Fixtures.next() + ".0")
                    .bind("now", clock.instant()).bind("expected", (int) expected.toSeconds()).bind("wave", waveSize)
                    .bind("budget", failureBudget)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        }

        void target(long releaseId, long serverId, long occurrenceId, String state) {
            database.jdbi().useHandle(handle -> handle.createUpdate("""
                            insert into release_target (release_id, server_id, stage, occurrence_id, state, updated_at)
                            values (:release, :server, 'PRODUCTION', :occurrence, :state, :now)
                            """)
                    .bind("release", releaseId).bind("server", serverId).bind("occurrence", occurrenceId)
                    .bind("state", state).bind("now", clock.instant()).execute());
        }

        String targetState(long releaseId, long serverId) {
            return target(releaseId, serverId, "state");
        }

        String target(long releaseId, long serverId, String column) {
            return database.jdbi().withHandle(handle -> handle.createQuery(
                            "select " + column + " from release_target where release_id = :r and server_id = :s")
                    .bind("r", releaseId).bind("s", serverId).mapTo(String.class).one());
        }

        String releaseColumn(long releaseId, String column) {
            return database.jdbi().withHandle(handle -> handle.createQuery(
                            "select " + column + " from app_release where id = :id")
                    .bind("id", releaseId).mapTo(String.class).one());
        }

        /** The server's application-update jobs (OS windows of the same days queue OS jobs too). */
        List<Job> jobs(long serverId) {
            return jobs(serverId, JobKind.APP_UPDATE);
        }

        /** The server's jobs of {@code kind}, or of every kind when null. */
        List<Job> jobs(long serverId, JobKind kind) {
            return new JobRepository(database).forServer(serverId, 100).stream()
                    .filter(job -> kind == null || job.kind() == kind).toList();
        }

        Job onlyJob(long serverId) {
            return onlyJob(serverId, JobKind.APP_UPDATE);
        }

        Job onlyJob(long serverId, JobKind kind) {
            List<Job> jobs = jobs(serverId, kind);
            assertThat(jobs).hasSize(1);
            return jobs.getFirst();
        }

        String occurrenceState(long id) {
            return new WindowOccurrenceRepository(database).find(id).orElseThrow().state();
        }

        /** The scripted agent: the job to its final state with its result, and the listener, in one transaction. */
        Job finish(String jobId, JobState state, String result) {
            return database.jdbi().inTransaction(handle -> {
                int updated = handle.createUpdate("""
                                update job set state = :state, result = :result, started_at = :now, finished_at = :now,
                                               attempt = attempt + 1, delivered_at = :now
                                where id = :id and state in ('QUEUED', 'DELIVERED', 'RUNNING')
                                """)
                        .bind("state", state.name()).bind("result", result).bind("now", clock.instant())
                        .bind("id", jobId).execute();
                assertThat(updated).as("job " + jobId + " was still open").isEqualTo(1);
                Job job = handle.createQuery("select * from job where id = :id").bind("id", jobId)
                        .map(JobRepository.MAPPER).one();
                outcomes.finished(handle, job);
                return job;
            });
        }

        /** The job to SUCCEEDED and the listener, in the caller's transaction (no commit). */
        void finishIn(org.jdbi.v3.core.Handle handle, String jobId) {
            int updated = handle.createUpdate("""
                            update job set state = 'SUCCEEDED', result = '{}', started_at = :now, finished_at = :now,
                                           attempt = attempt + 1, delivered_at = :now
                            where id = :id and state in ('QUEUED', 'DELIVERED', 'RUNNING')
                            """)
                    .bind("now", clock.instant()).bind("id", jobId).execute();
            assertThat(updated).as("job " + jobId + " was still open").isEqualTo(1);
            outcomes.finished(handle, handle.createQuery("select * from job where id = :id").bind("id", jobId)
                    .map(JobRepository.MAPPER).one());
        }

        List<String> audit(String type, Object id) {
            return new AuditLogRepository(database).forEntity(type, id).stream().map(AuditEntry::action).toList();
        }
    }

    private static WindowOccurrence appWindow(String from) {
        return new WindowCalendar(MaintenanceSchedule.DEFAULT, BlackoutDates.NONE)
                .next(WindowKind.APP, Instant.parse(from), 1).getFirst();
    }

    @TestTemplate
    void appWindow_queuesWaves_haltsOnTheFailureBudget_andReportsTheRollback(Database database) {
        Rig rig = Rig.on(database, Instant.parse("2027-01-10T12:00:00Z"));
        Customer customer = rig.fixtures().customer();
        Application application = rig.fixtures().application();
        List<Server> servers = List.of(rig.fixtures().server(customer.id(), application.id()),
                rig.fixtures().server(customer.id(), application.id()),
                rig.fixtures().server(customer.id(), application.id()),
                rig.fixtures().server(customer.id(), application.id()),
                rig.fixtures().server(customer.id(), application.id()));
        rig.materialise();
        // Monday 2027-01-11 07:00–09:00 Brussels (winter: 06:00Z–08:00Z).
        WindowOccurrence monday = appWindow("2027-01-10T12:00:00Z");
        long window = new WindowOccurrenceRepository(database).idOf(monday);
        long release = rig.release(application, 2, 1, Duration.ofMinutes(10));
        servers.forEach(server -> rig.target(release, server.id(), window, "PLANNED"));

        rig.at("2027-01-11T05:59:59Z");
        assertThat(rig.occurrenceState(window)).isEqualTo("PLANNED");
        assertThat(rig.jobs(servers.get(0).id())).isEmpty();

        rig.at("2027-01-11T06:00:00Z");
        assertThat(rig.occurrenceState(window)).isEqualTo("OPEN");
        assertThat(rig.releaseColumn(release, "state")).isEqualTo("ROLLING_OUT");
        // First wave: two servers.
        Job first = rig.onlyJob(servers.get(0).id());
        Job second = rig.onlyJob(servers.get(1).id());
        assertThat(rig.jobs(servers.get(2).id())).isEmpty();
        assertThat(first.kind()).isEqualTo(JobKind.APP_UPDATE);
        assertThat(first.releaseId()).isEqualTo(release);
        assertThat(first.occurrenceId()).isEqualTo(window);
        assertThat(first.latestStart()).isEqualTo(Instant.parse("2027-01-11T07:50:00Z"));
        assertThat(first.payload()).contains("\"previous_version\":\"1.0.0\"").contains("\"steps_before\":\"back up\"");
        assertThat(rig.targetState(release, servers.get(0).id())).isEqualTo("QUEUED");
        assertThat(rig.target(release, servers.get(0).id(), "job_id")).isEqualTo(first.id());

        rig.clock().set(Instant.parse("2027-01-11T06:10:00Z"));
        rig.finish(first.id(), JobState.SUCCEEDED, "{\"health\":\"ok\"}");
        assertThat(rig.jobs(servers.get(2).id())).as("the wave is not done yet").isEmpty();
        rig.finish(second.id(), JobState.SUCCEEDED, "{\"health\":\"ok\"}");
        // The wave is done: the next two are queued.
        Job third = rig.onlyJob(servers.get(2).id());
        Job fourth = rig.onlyJob(servers.get(3).id());
        assertThat(rig.jobs(servers.get(4).id())).isEmpty();
        assertThat(rig.targetState(release, servers.get(0).id())).isEqualTo("SUCCEEDED");

        rig.clock().set(Instant.parse("2027-01-11T06:20:00Z"));
        rig.finish(third.id(), JobState.FAILED, "{\"rolled_back\":true,\"error\":\"health check failed\"}");
        assertThat(rig.targetState(release, servers.get(2).id())).isEqualTo("ROLLED_BACK");
        assertThat(rig.target(release, servers.get(2).id(), "detail")).isEqualTo("failed, rolled back: health check failed");
        assertThat(rig.releaseColumn(release, "state")).as("one failure is within the budget").isEqualTo("ROLLING_OUT");

        rig.finish(fourth.id(), JobState.FAILED, "{\"rolled_back\":false,\"error\":\"disk full\"}");
        assertThat(rig.targetState(release, servers.get(3).id())).isEqualTo("FAILED");
        assertThat(rig.target(release, servers.get(3).id(), "detail")).isEqualTo("failed, not rolled back: disk full");
        assertThat(rig.releaseColumn(release, "state")).isEqualTo("HALTED");
        assertThat(rig.releaseColumn(release, "halt_reason"))
                .isEqualTo("2 servers failed, more than the failure budget of 1");
        assertThat(rig.targetState(release, servers.get(4).id())).isEqualTo("SKIPPED");
        assertThat(rig.target(release, servers.get(4).id(), "detail")).isEqualTo("rollout halted");
        assertThat(rig.jobs(servers.get(4).id())).isEmpty();
        assertThat(rig.audit("release", release)).containsSubsequence("release.rollout_started", "release.wave_queued",
                "release.server_finished", "release.server_finished", "release.wave_queued",
                "release.server_rolled_back", "release.server_finished", "release.halted");

        // The window's end changes nothing more: a halted release stays halted.
        rig.at("2027-01-11T08:00:00Z");
        assertThat(rig.occurrenceState(window)).isEqualTo("CLOSED");
        assertThat(rig.releaseColumn(release, "state")).isEqualTo("HALTED");
    }

    /**
     * The last two results of a wave committed at the same time (two agents, maybe on two
     * instances): the second outcome waits for the first, sees it, and queues the next wave.
     * Before the release lock each saw the other's target still QUEUED and neither queued it: the
     * rollout stalled until the window's end skipped the rest (found by ControlPlaneChaosIT).
     */
    @TestTemplate
    void lastResultsOfAWaveAtTheSameTime_theNextWaveIsQueuedOnce(Database database) throws Exception {
        Rig rig = Rig.on(database, Instant.parse("2034-01-15T12:00:00Z"));
        Customer customer = rig.fixtures().customer();
        Application application = rig.fixtures().application();
        List<Server> servers = List.of(rig.fixtures().server(customer.id(), application.id()),
                rig.fixtures().server(customer.id(), application.id()),
                rig.fixtures().server(customer.id(), application.id()));
        rig.materialise();
        long window = new WindowOccurrenceRepository(database).idOf(appWindow("2034-01-15T12:00:00Z"));
        long release = rig.release(application, 2, 5, Duration.ofMinutes(10));
        servers.forEach(server -> rig.target(release, server.id(), window, "PLANNED"));
        rig.at("2034-01-16T06:00:00Z");
        Job first = rig.onlyJob(servers.get(0).id());
        Job second = rig.onlyJob(servers.get(1).id());
        rig.clock().set(Instant.parse("2034-01-16T06:10:00Z"));

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch firstTold = new CountDownLatch(1);
            CountDownLatch commitFirst = new CountDownLatch(1);
            Future<?> a = pool.submit(() -> {
                database.jdbi().useTransaction(handle -> {
                    rig.finishIn(handle, first.id());
                    firstTold.countDown();
                    assertThat(commitFirst.await(20, TimeUnit.SECONDS)).isTrue();
                });
                return null;
            });
            assertThat(firstTold.await(20, TimeUnit.SECONDS)).isTrue();
            Future<?> b = pool.submit(() -> database.jdbi().useTransaction(handle -> rig.finishIn(handle, second.id())));
            // The second outcome must wait for the first transaction (the release's lock); without
            // the lock it would run to its end here, deciding without the first.
            try {
                b.get(500, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException waiting) {
                // waiting for the first: as it should
            }
            commitFirst.countDown();
            a.get(20, TimeUnit.SECONDS);
            b.get(20, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(rig.jobs(servers.get(2).id())).as("the next wave").hasSize(1);
        assertThat(rig.audit("release", release)).filteredOn("release.wave_queued"::equals).hasSize(2);
    }

    @TestTemplate
    void haltingCancelsJobsNotYetHandedOut(Database database) {
        Rig rig = Rig.on(database, Instant.parse("2028-01-09T12:00:00Z"));
        Customer customer = rig.fixtures().customer();
        Application application = rig.fixtures().application();
        Server a = rig.fixtures().server(customer.id(), application.id());
        Server b = rig.fixtures().server(customer.id(), application.id());
        Server c = rig.fixtures().server(customer.id(), application.id());
        long window = new WindowOccurrenceRepository(database).idOf(appWindow("2028-01-09T12:00:00Z"));
        rig.materialise();
        long release = rig.release(application, 3, 0, Duration.ofMinutes(10));
        List.of(a, b, c).forEach(server -> rig.target(release, server.id(), window, "PLANNED"));

        rig.at("2028-01-10T06:00:00Z");
        Job jobA = rig.onlyJob(a.id());
        Job jobB = rig.onlyJob(b.id());
        Job jobC = rig.onlyJob(c.id());
        // b's agent has taken its job; c's has not.
        database.jdbi().useHandle(handle -> handle.createUpdate("update job set state = 'DELIVERED' where id = :id")
                .bind("id", jobB.id()).execute());

        rig.finish(jobA.id(), JobState.ROLLED_BACK, "{\"error\":\"migration failed\"}");
        assertThat(rig.releaseColumn(release, "state")).isEqualTo("HALTED");
        assertThat(rig.targetState(release, a.id())).isEqualTo("ROLLED_BACK");
        assertThat(new JobRepository(database).find(jobC.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(rig.targetState(release, c.id())).isEqualTo("SKIPPED");
        assertThat(rig.target(release, c.id(), "detail")).isEqualTo("cancelled: rollout halted");
        assertThat(new JobRepository(database).find(jobB.id()).orElseThrow().state())
                .as("a job already on its server runs to its end").isEqualTo(JobState.DELIVERED);
        rig.finish(jobB.id(), JobState.SUCCEEDED, "{}");
        assertThat(rig.targetState(release, b.id())).isEqualTo("SUCCEEDED");
        assertThat(rig.releaseColumn(release, "state")).isEqualTo("HALTED");
    }

    @TestTemplate
    void cutOffAndWindowEnd_expireUndeliveredJobs_skipTheRest_andFinishTheRelease(Database database) {
        Rig rig = Rig.on(database, Instant.parse("2029-01-07T12:00:00Z"));
        Customer customer = rig.fixtures().customer();
        Application application = rig.fixtures().application();
        Server a = rig.fixtures().server(customer.id(), application.id());
        Server b = rig.fixtures().server(customer.id(), application.id());
        Server c = rig.fixtures().server(customer.id(), application.id());
        Server blocked = rig.fixtures().server(customer.id(), application.id());
        // Monday 2029-01-08 07:00–09:00 Brussels = 06:00Z–08:00Z; a one-hour job must start by 07:00Z.
        long window = new WindowOccurrenceRepository(database).idOf(appWindow("2029-01-07T12:00:00Z"));
        rig.materialise();
        long release = rig.release(application, 1, 5, Duration.ofHours(1));
        List.of(a, b, c).forEach(server -> rig.target(release, server.id(), window, "PLANNED"));
        rig.target(release, blocked.id(), window, "NOTICE_BLOCKED");

        rig.at("2029-01-08T06:00:00Z");
        Job jobA = rig.onlyJob(a.id());
        assertThat(jobA.latestStart()).isEqualTo(Instant.parse("2029-01-08T07:00:00Z"));
        assertThat(rig.jobs(blocked.id())).as("a blocked slot is not used").isEmpty();

        rig.clock().set(Instant.parse("2029-01-08T06:50:00Z"));
        rig.finish(jobA.id(), JobState.SUCCEEDED, "{}");
        Job jobB = rig.onlyJob(b.id());

        // b's agent never comes; at 07:05Z a further wave would not fit any more.
        rig.clock().set(Instant.parse("2029-01-08T07:05:00Z"));
        rig.at("2029-01-08T08:00:00Z");
        assertThat(rig.occurrenceState(window)).isEqualTo("CLOSED");
        assertThat(new JobRepository(database).find(jobB.id()).orElseThrow().state()).isEqualTo(JobState.EXPIRED);
        assertThat(rig.targetState(release, b.id())).isEqualTo("SKIPPED");
        assertThat(rig.target(release, b.id(), "detail")).isEqualTo("cut-off");
        assertThat(rig.targetState(release, c.id())).isEqualTo("SKIPPED");
        assertThat(rig.target(release, c.id(), "detail")).isEqualTo("window ended");
        assertThat(rig.jobs(c.id())).isEmpty();
        assertThat(rig.targetState(release, blocked.id())).isEqualTo("NOTICE_BLOCKED");
        assertThat(rig.releaseColumn(release, "state")).isEqualTo("DONE");
        assertThat(rig.releaseColumn(release, "finished_at")).isNotNull();
        assertThat(rig.audit("window_occurrence", window)).containsExactly("window.opened", "window.closed");
    }

    @TestTemplate
    void osWindow_queuesJobsForTheServersOfThatWindowOnly_respectingBlackoutsAndOverrides(Database database) {
        Rig rig = Rig.on(database, Instant.parse("2030-01-06T12:00:00Z"));
        Application application = rig.fixtures().application();
        Customer plain = rig.fixtures().customer();
        Server included = rig.fixtures().server(plain.id(), application.id());
        Server serverBlackout = rig.fixtures().server(plain.id(), application.id());
        Customer onHoliday = rig.fixtures().customer();
        Server customerBlackout = rig.fixtures().server(onHoliday.id(), application.id());
        Customer tuesday = rig.fixtures().customer();
        Server otherDay = rig.fixtures().server(tuesday.id(), application.id());
        Customer london = rig.fixtures().customer();
        Server otherZone = rig.fixtures().server(london.id(), application.id());
        LocalDate monday = LocalDate.of(2030, 1, 7);
        rig.settings().addBlackout(OPERATOR, null, serverBlackout.id(), monday, monday, "migration");
        rig.settings().addBlackout(OPERATOR, onHoliday.id(), null, monday.minusDays(3), monday.plusDays(3), "closing");
        rig.settings().setOverride(OPERATOR, tuesday.id(), new ScheduleOverride(Optional.empty(),
                Optional.of(WeeklyWindow.parse("TUESDAY 05:00-07:00")), Optional.empty()));
        rig.settings().setOverride(OPERATOR, london.id(), new ScheduleOverride(Optional.of(ZoneId.of("Europe/London")),
                Optional.empty(), Optional.empty()));

        WindowExecutor.Materialised done = rig.materialise();
        assertThat(done.schedules()).isGreaterThanOrEqualTo(3);
        assertThat(done.windows()).isGreaterThanOrEqualTo(3 * 2 * 8);
        // Monday 05:00–07:00 Brussels = 04:00Z–06:00Z.
        rig.at("2030-01-07T04:00:00Z");
        Job os = rig.onlyJob(included.id(), JobKind.OS_UPDATE);
        assertThat(os.kind()).isEqualTo(JobKind.OS_UPDATE);
        assertThat(os.latestStart()).isEqualTo(Instant.parse("2030-01-07T05:30:00Z"));
        assertThat(os.expected()).isEqualTo(Duration.ofMinutes(30));
        StoredOccurrence brussels = new WindowOccurrenceRepository(database).find(os.occurrenceId()).orElseThrow();
        assertThat(brussels.occurrence().start().getZone()).isEqualTo(MaintenanceSchedule.BRUSSELS);
        assertThat(brussels.state()).isEqualTo("OPEN");
        assertThat(rig.jobs(serverBlackout.id(), JobKind.OS_UPDATE)).isEmpty();
        assertThat(rig.jobs(customerBlackout.id(), JobKind.OS_UPDATE)).isEmpty();
        assertThat(rig.jobs(otherDay.id(), JobKind.OS_UPDATE)).isEmpty();
        assertThat(rig.jobs(otherZone.id(), JobKind.OS_UPDATE)).isEmpty();

        // The agent reports the OS update's result; it stays on the job and is readable.
        rig.clock().set(Instant.parse("2030-01-07T04:20:00Z"));
        rig.finish(os.id(), JobState.SUCCEEDED,
                "{\"packages_upgraded\":[\"openssl\",\"libc6\",\"tzdata\"],\"reboot\":true,\"downtime_seconds\":47}");
        ServerHistoryRepository.JobEntry entry = new ServerHistoryRepository(database).jobs(included.id(), 10).getFirst();
        assertThat(entry.summary()).isEqualTo(new JobResultSummary(3, true, 47L, null, null, null));
        assertThat(entry.windowKind()).isEqualTo("OS");
        assertThat(entry.windowStart()).isEqualTo(Instant.parse("2030-01-07T04:00:00Z"));

        // London's Monday 05:00 is 05:00Z; the Tuesday customer's window is the next day.
        rig.at("2030-01-07T05:00:00Z");
        Job londonJob = rig.onlyJob(otherZone.id(), JobKind.OS_UPDATE);
        assertThat(new WindowOccurrenceRepository(database).find(londonJob.occurrenceId()).orElseThrow().occurrence()
                .start().getZone()).isEqualTo(ZoneId.of("Europe/London"));
        rig.at("2030-01-08T04:00:00Z");
        assertThat(rig.onlyJob(otherDay.id(), JobKind.OS_UPDATE).kind()).isEqualTo(JobKind.OS_UPDATE);
        assertThat(rig.jobs(included.id(), JobKind.OS_UPDATE)).hasSize(1);
        // London's job was never fetched: its window's end expired it.
        assertThat(new JobRepository(database).find(londonJob.id()).orElseThrow().state()).isEqualTo(JobState.EXPIRED);
    }

    @TestTemplate
    void windowsThatPassedWhileDown_areMissed_reported_andNeverStartedLate(Database database) {
        Rig rig = Rig.on(database, Instant.parse("2031-01-05T12:00:00Z"));
        Customer customer = rig.fixtures().customer();
        Application application = rig.fixtures().application();
        Server server = rig.fixtures().server(customer.id(), application.id());
        rig.materialise();
        long window = new WindowOccurrenceRepository(database).idOf(appWindow("2031-01-05T12:00:00Z"));
        long release = rig.release(application, 5, 0, Duration.ofMinutes(10));
        rig.target(release, server.id(), window, "PLANNED");
        // An occurrence that exists but whose tasks were never scheduled (found by the next materialisation).
        WindowOccurrence unscheduled = new WindowOccurrence(WindowKind.APP,
                Instant.parse("2031-01-06T20:00:00Z").atZone(MaintenanceSchedule.BRUSSELS),
                Instant.parse("2031-01-06T21:00:00Z").atZone(MaintenanceSchedule.BRUSSELS));
        long orphan = new WindowOccurrenceRepository(database).idOf(unscheduled);

        // Down from Sunday until Monday 10:00Z: the whole window (06:00Z–08:00Z) passed.
        rig.at("2031-01-06T10:00:00Z");
        assertThat(rig.occurrenceState(window)).isEqualTo("MISSED");
        assertThat(rig.jobs(server.id(), null)).isEmpty();
        assertThat(rig.targetState(release, server.id())).isEqualTo("SKIPPED");
        assertThat(rig.target(release, server.id(), "detail")).isEqualTo("window missed");
        assertThat(rig.audit("window_occurrence", window)).containsExactly("window.missed");
        // The OS window before it was missed as well, and no OS job was queued late.
        assertThat(rig.jobs(server.id(), null)).isEmpty();

        rig.clock().set(Instant.parse("2031-01-06T22:00:00Z"));
        assertThat(rig.materialise().missed()).isGreaterThanOrEqualTo(1);
        assertThat(rig.occurrenceState(orphan)).isEqualTo("MISSED");
        assertThat(rig.audit("window_occurrence", orphan)).containsExactly("window.missed");
    }

    @TestTemplate
    void twoInstances_materialiseAndOpenTheSameWindows_eachServerGetsOneJob(TestDatabase test) throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2032-01-04T12:00:00Z"));
        Rig a = Rig.on(test.database(), clock, "instance-a");
        Rig b = Rig.on(test.openAnother(4), clock, "instance-b");
        Customer customer = a.fixtures().customer();
        Application application = a.fixtures().application();
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            servers.add(a.fixtures().server(customer.id(), application.id()));
        }
        a.materialise();
        b.materialise();
        long window = new WindowOccurrenceRepository(test.database()).idOf(appWindow("2032-01-04T12:00:00Z"));
        long release = a.release(application, 2, 6, Duration.ofMinutes(10));
        servers.forEach(server -> a.target(release, server.id(), window, "PLANNED"));

        // Both instances poll at the OS window's start and at the application window's start.
        for (String instant : List.of("2032-01-05T04:00:00Z", "2032-01-05T06:00:00Z")) {
            clock.set(Instant.parse(instant));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> runs = new ArrayList<>();
                for (Rig rig : List.of(a, b)) {
                    runs.add(pool.submit(() -> {
                        go.await();
                        return rig.scheduler().runDue();
                    }));
                }
                go.countDown();
                for (Future<Integer> run : runs) {
                    run.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        for (Server server : servers) {
            assertThat(a.jobs(server.id(), JobKind.OS_UPDATE)).as("OS jobs of " + server.id()).hasSize(1);
        }
        assertThat(servers.stream().mapToInt(server -> a.jobs(server.id()).size()).sum())
                .as("one wave of two application jobs").isEqualTo(2);
        assertThat(a.audit("window_occurrence", window)).containsExactly("window.opened");
    }

    @TestTemplate
    void theCompositeTellsEveryListener_andTheRolloutLeavesTestStageTargetsToThePipeline(Database database) {
        Rig rig = Rig.on(database, Instant.parse("2033-01-02T12:00:00Z"));
        List<String> seen = new ArrayList<>();
        rig.outcomes().add((handle, job) -> seen.add(job.id() + " " + job.state()));
        Customer customer = rig.fixtures().customer();
        Application application = rig.fixtures().application();
        Server server = rig.fixtures().server(customer.id(), application.id());
        long release = rig.release(application, 1, 0, Duration.ofMinutes(10));
        String job = database.jdbi().inTransaction(handle -> {
            String id = JobRepository.enqueue(handle, rig.clock().instant(), new dev.steward.control.core.job.JobSpec(
                    server.id(), JobKind.APP_UPDATE, release, null, "{}", rig.clock().instant(), null,
                    Duration.ofMinutes(10)));
            handle.createUpdate("""
                            insert into release_target (release_id, server_id, stage, state, job_id, updated_at)
                            values (:release, :server, 'TEST', 'QUEUED', :job, :now)
                            """)
                    .bind("release", release).bind("server", server.id()).bind("job", id)
                    .bind("now", rig.clock().instant()).execute();
            return id;
        });

        rig.finish(job, JobState.FAILED, "{\"rolled_back\":true}");
        assertThat(seen).containsExactly(job + " FAILED");
        assertThat(rig.targetState(release, server.id())).as("the test stage is the pipeline's").isEqualTo("QUEUED");
        assertThat(rig.releaseColumn(release, "state")).isEqualTo("PLANNED");
    }
}
