package dev.steward.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.Actor;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.job.JobState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class AgentJobRepositoryIT {

    private static final Duration LEASE = Duration.ofMinutes(5);

    /** Counts the listener's calls per job, and the state each call saw. */
    static final class Recorder implements JobOutcomeListener {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final Map<String, JobState> states = new ConcurrentHashMap<>();

        @Override
        public void finished(org.jdbi.v3.core.Handle handle, Job job) {
            calls.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
            states.put(job.id(), job.state());
        }

        int count(String jobId) {
            AtomicInteger count = calls.get(jobId);
            return count == null ? 0 : count.get();
        }
    }

    private record World(Database database, MovableClock clock, Recorder recorder, AgentJobRepository jobs,
                         Server server, Actor agent) {

        String enqueue(Duration notBeforeIn, Duration latestStartIn) {
            Instant now = clock.instant();
            return database.jdbi().inTransaction(handle -> JobRepository.enqueue(handle, now.plusNanos(next() * 1000L),
                    new JobSpec(server.id(), JobKind.OS_UPDATE, null, null, "{\"upgrade\":\"full\"}",
                            now.plus(notBeforeIn), latestStartIn == null ? null : now.plus(latestStartIn),
                            Duration.ofMinutes(10))));
        }

        Job job(String id) {
            return new JobRepository(database).find(id).orElseThrow();
        }
    }

    private static final AtomicInteger ORDER = new AtomicInteger();

    private static int next() {
        return ORDER.incrementAndGet();
    }

    private static World world(Database database) {
        MovableClock clock = new MovableClock();
        Recorder recorder = new Recorder();
        Server server = new Fixtures(database).server();
        return new World(database, clock, recorder, new AgentJobRepository(database, recorder, clock, LEASE), server,
                Actor.agent(server.name().toString()));
    }

    @TestTemplate
    void deliverNext_oldestDueFirst_notBeforeRespected_leaseRunsOut_redeliveredWithNextAttempt(Database database) {
        World w = world(database);
        String first = w.enqueue(Duration.ZERO, null);
        String second = w.enqueue(Duration.ofSeconds(-30), null);
        String later = w.enqueue(Duration.ofHours(1), null);

        Job delivered = w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow();
        assertThat(delivered.id()).isEqualTo(first);
        assertThat(delivered.state()).isEqualTo(JobState.DELIVERED);
        assertThat(delivered.attempt()).isEqualTo(1);
        assertThat(delivered.deliveredAt()).isEqualTo(w.clock().instant());
        assertThat(delivered.leaseUntil()).isEqualTo(w.clock().instant().plus(LEASE));
        assertThat(w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow().id()).isEqualTo(second);
        assertThat(w.jobs().deliverNext(w.agent(), w.server().id())).as("the third is not due").isEmpty();

        // The second agent got its job and reports progress; the first went quiet.
        w.clock().advance(Duration.ofMinutes(2));
        w.jobs().progress(w.agent(), w.server().id(), second, false, "downloading");
        w.clock().advance(LEASE.minusMinutes(2).plusSeconds(1));
        Job again = w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow();
        assertThat(again.id()).isEqualTo(first);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(w.jobs().deliverNext(w.agent(), w.server().id())).as("the second's lease was extended").isEmpty();

        w.clock().advance(Duration.ofHours(1));
        // Now the first (lease out again) and the second (extended lease out) are due, then the later one.
        assertThat(w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow().attempt()).isEqualTo(3);
        assertThat(w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow().id()).isEqualTo(second);
        assertThat(w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow().id()).isEqualTo(later);
        assertThat(new AuditLogRepository(database).forEntity("job", first)).extracting(AuditEntry::action)
                .containsExactly("job.delivered", "job.delivered", "job.delivered");
        assertThat(w.recorder().calls).isEmpty();
    }

    @TestTemplate
    void runningJob_isNotRedelivered_whenItsLeaseRunsOut(Database database) {
        World w = world(database);
        String id = w.enqueue(Duration.ZERO, null);
        w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow();
        Job running = w.jobs().progress(w.agent(), w.server().id(), id, true, "started apt-get");
        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.startedAt()).isEqualTo(w.clock().instant());
        assertThat(running.progress()).isEqualTo("started apt-get");

        w.clock().advance(Duration.ofMinutes(1));
        Job again = w.jobs().progress(w.agent(), w.server().id(), id, true, null);
        assertThat(again.startedAt()).as("started once").isEqualTo(running.startedAt());
        assertThat(again.progress()).isEqualTo("started apt-get");
        assertThat(again.leaseUntil()).isEqualTo(w.clock().instant().plus(LEASE));

        w.clock().advance(Duration.ofHours(2));
        assertThat(w.jobs().deliverNext(w.agent(), w.server().id())).isEmpty();
        assertThat(w.job(id).state()).isEqualTo(JobState.RUNNING);
        assertThat(new AuditLogRepository(database).forEntity("job", id)).extracting(AuditEntry::action)
                .containsExactly("job.delivered", "job.started");
    }

    @TestTemplate
    void latestStartPassed_neverHandedOut_expiredWithReason_listenerOnce(Database database) {
        World w = world(database);
        String leased = w.enqueue(Duration.ZERO, Duration.ofMinutes(3));
        String startsLate = w.enqueue(Duration.ZERO, Duration.ofMinutes(3));
        String queued = w.enqueue(Duration.ZERO, Duration.ofMinutes(3));
        String fine = w.enqueue(Duration.ZERO, Duration.ofHours(2));
        assertThat(w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow().id()).isEqualTo(leased);
        assertThat(w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow().id()).isEqualTo(startsLate);

        w.clock().advance(Duration.ofMinutes(4));
        // "startsLate" is still leased (lease 5 min) but its agent now wants to start: refused, expired.
        assertThatThrownBy(() -> w.jobs().progress(w.agent(), w.server().id(), startsLate, true, "go"))
                .isInstanceOfSatisfying(JobReportRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(JobReportRefusedException.Reason.EXPIRED);
                    assertThat(e.job().state()).isEqualTo(JobState.EXPIRED);
                });
        w.clock().advance(Duration.ofMinutes(2));
        // The queued one and the one whose lease ran out are expired, not handed out; the next is.
        assertThat(w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow().id()).isEqualTo(fine);
        for (String id : List.of(queued, leased, startsLate)) {
            Job job = w.job(id);
            assertThat(job.state()).as(id).isEqualTo(JobState.EXPIRED);
            assertThat(job.result()).contains("latest start").contains("passed");
            assertThat(job.finishedAt()).isNotNull();
            assertThat(w.recorder().count(id)).as(id).isEqualTo(1);
            assertThat(w.recorder().states.get(id)).isEqualTo(JobState.EXPIRED);
        }
        assertThat(w.jobs().expireOverdue(w.server().id())).as("nothing left to expire").isZero();
        assertThat(w.recorder().calls).hasSize(3);
        assertThat(new AuditLogRepository(database).forEntity("job", leased)).extracting(AuditEntry::action)
                .containsExactly("job.delivered", "job.expired");
        // A result for an expired job is refused with the reason.
        assertThatThrownBy(() -> w.jobs().finish(w.agent(), w.server().id(), leased, JobState.SUCCEEDED, "{}"))
                .isInstanceOfSatisfying(JobReportRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(JobReportRefusedException.Reason.EXPIRED);
                    assertThat(e.getMessage()).contains("latest start");
                });
    }

    @TestTemplate
    void result_acceptedExactlyOnce_sameAgainIsRepeat_differentIsRefused_listenerOnce(Database database) {
        World w = world(database);
        String id = w.enqueue(Duration.ZERO, null);
        w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow();
        w.jobs().progress(w.agent(), w.server().id(), id, true, "running");
        String result = "{\"details\":{\"reboot\":true},\"duration_seconds\":42,\"status\":\"succeeded\"}";

        AgentJobRepository.Finish first = w.jobs().finish(w.agent(), w.server().id(), id, JobState.SUCCEEDED, result);
        assertThat(first.repeated()).isFalse();
        assertThat(first.job().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(first.job().result()).isEqualTo(result);
        assertThat(first.job().finishedAt()).isEqualTo(w.clock().instant());
        assertThat(first.job().leaseUntil()).isNull();
        w.clock().advance(Duration.ofMinutes(1));
        AgentJobRepository.Finish again = w.jobs().finish(w.agent(), w.server().id(), id, JobState.SUCCEEDED, result);
        assertThat(again.repeated()).isTrue();
        assertThat(again.job()).isEqualTo(first.job());
        assertThatThrownBy(() -> w.jobs().finish(w.agent(), w.server().id(), id, JobState.FAILED, result))
                .isInstanceOfSatisfying(JobReportRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(JobReportRefusedException.Reason.ALREADY_FINISHED));
        assertThatThrownBy(() -> w.jobs().finish(w.agent(), w.server().id(), id, JobState.SUCCEEDED, "{}"))
                .isInstanceOf(JobReportRefusedException.class);
        assertThatThrownBy(() -> w.jobs().progress(w.agent(), w.server().id(), id, false, "late"))
                .isInstanceOf(JobReportRefusedException.class);
        assertThat(w.recorder().count(id)).isEqualTo(1);
        assertThat(w.recorder().states.get(id)).isEqualTo(JobState.SUCCEEDED);
        assertThat(new AuditLogRepository(database).forEntity("job", id)).extracting(AuditEntry::action)
                .containsExactly("job.delivered", "job.started", "job.finished");
        // Never delivered, or cancelled: refused with the reason.
        String queued = w.enqueue(Duration.ofHours(1), null);
        assertThatThrownBy(() -> w.jobs().finish(w.agent(), w.server().id(), queued, JobState.FAILED, "{}"))
                .isInstanceOfSatisfying(JobReportRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(JobReportRefusedException.Reason.NOT_DELIVERED));
        database.jdbi().useHandle(h -> h.execute("update job set state = 'CANCELLED', result = 'rollout halted' "
                + "where id = ?", queued));
        assertThatThrownBy(() -> w.jobs().finish(w.agent(), w.server().id(), queued, JobState.FAILED, "{}"))
                .isInstanceOfSatisfying(JobReportRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(JobReportRefusedException.Reason.CANCELLED);
                    assertThat(e.getMessage()).contains("rollout halted");
                });
    }

    @TestTemplate
    void result_listenerRunsInTheSameTransaction_itsFailureLeavesTheJobUnfinished(Database database) {
        World w = world(database);
        AtomicInteger failures = new AtomicInteger(1);
        JobOutcomeListener flaky = (handle, job) -> {
            // What the listener writes commits with the result, or not at all.
            handle.execute("update job set progress = 'listener saw ' || state where id = ?", job.id());
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("listener failed");
            }
        };
        AgentJobRepository jobs = new AgentJobRepository(database, flaky, w.clock(), LEASE);
        String id = w.enqueue(Duration.ZERO, null);
        jobs.deliverNext(w.agent(), w.server().id()).orElseThrow();

        assertThatThrownBy(() -> jobs.finish(w.agent(), w.server().id(), id, JobState.FAILED, "{\"a\":1}"))
                .hasMessage("listener failed");
        assertThat(w.job(id).state()).isEqualTo(JobState.DELIVERED);
        assertThat(w.job(id).progress()).isNull();
        AgentJobRepository.Finish retried = jobs.finish(w.agent(), w.server().id(), id, JobState.FAILED, "{\"a\":1}");
        assertThat(retried.repeated()).isFalse();
        assertThat(w.job(id).progress()).isEqualTo("listener saw FAILED");
    }

    @TestTemplate
    void anotherServersJob_isUnknown(Database database) {
        World w = world(database);
        World other = world(database);
        String id = w.enqueue(Duration.ZERO, null);
        w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow();
        assertThat(other.jobs().deliverNext(other.agent(), other.server().id())).isEmpty();
        assertThatThrownBy(() -> other.jobs().progress(other.agent(), other.server().id(), id, true, "x"))
                .isInstanceOf(UnknownEntityException.class);
        assertThatThrownBy(() -> other.jobs().finish(other.agent(), other.server().id(), id, JobState.SUCCEEDED, "{}"))
                .isInstanceOf(UnknownEntityException.class);
        assertThat(other.jobs().find(other.server().id(), id)).isEmpty();
        assertThat(w.jobs().find(w.server().id(), id)).isPresent();
        assertThat(w.job(id).state()).isEqualTo(JobState.DELIVERED);
    }

    /** Two threads report results for the same jobs at the same moment: one takes, one repeats or is refused. */
    @TestTemplate
    void concurrentDuplicateResults_fromTwoThreads_acceptedOnce_listenerOnce(Database database) throws Exception {
        World w = world(database);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String id = w.enqueue(Duration.ZERO, null);
                w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow();
                boolean same = round % 2 == 0;
                CountDownLatch go = new CountDownLatch(1);
                List<Callable<String>> reports = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    String result = same ? "{\"status\":\"succeeded\"}" : "{\"thread\":" + t + "}";
                    reports.add(() -> {
                        go.await();
                        try {
                            return w.jobs().finish(w.agent(), w.server().id(), id, JobState.SUCCEEDED, result).repeated()
                                    ? "repeated" : "accepted";
                        } catch (JobReportRefusedException refused) {
                            return "refused";
                        }
                    });
                }
                List<Future<String>> futures = new ArrayList<>();
                for (Callable<String> report : reports) {
                    futures.add(pool.submit(report));
                }
                go.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<String> future : futures) {
                    outcomes.add(future.get(30, TimeUnit.SECONDS));
                }
                assertThat(outcomes).as("round " + round).containsExactlyInAnyOrder("accepted", same ? "repeated" : "refused");
                assertThat(w.recorder().count(id)).isEqualTo(1);
                assertThat(new AuditLogRepository(database).forEntity("job", id)).extracting(AuditEntry::action)
                        .containsExactly("job.delivered", "job.finished");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Polls on two instances (two pools on one database) for one server: every job is handed out once. */
    @TestTemplate
    void concurrentPolls_onTwoInstances_eachJobDeliveredOnce(DatabaseExtension.TestDatabase test) throws Exception {
        World w = world(test.database());
        Database second = test.openAnother(4);
        AgentJobRepository other = new AgentJobRepository(second, w.recorder(), w.clock(), LEASE);
        Set<String> queued = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 12; i++) {
            queued.add(w.enqueue(Duration.ZERO, null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> pollers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                AgentJobRepository jobs = t % 2 == 0 ? w.jobs() : other;
                pollers.add(pool.submit(() -> {
                    go.await();
                    Optional<Job> job;
                    while ((job = jobs.deliverNext(w.agent(), w.server().id())).isPresent()) {
                        deliveries.computeIfAbsent(job.get().id(), id -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> poller : pollers) {
                poller.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(deliveries.keySet()).isEqualTo(queued);
        assertThat(deliveries.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        for (String id : queued) {
            assertThat(w.job(id).attempt()).isEqualTo(1);
        }
    }

    @TestTemplate
    void fleetWideSweep_expiresOverdueJobsOfServersThatNeverAsked(Database database) {
        World w = world(database);
        World quiet = world(database);
        String overdue = quiet.enqueue(Duration.ZERO, Duration.ofMinutes(1));
        String notYet = quiet.enqueue(Duration.ZERO, Duration.ofHours(5));
        quiet.clock().advance(Duration.ofMinutes(2));
        // Another instance's repository with the same time runs the sweep.
        AgentJobRepository sweeper = new AgentJobRepository(database, w.recorder(), quiet.clock(), LEASE);
        assertThat(sweeper.expireOverdue()).isGreaterThanOrEqualTo(1);
        assertThat(quiet.job(overdue).state()).isEqualTo(JobState.EXPIRED);
        assertThat(w.recorder().count(overdue)).isEqualTo(1);
        assertThat(quiet.job(notYet).state()).isEqualTo(JobState.QUEUED);
        assertThat(sweeper.expireOverdue(quiet.server().id())).isZero();
        assertThat(w.recorder().count(overdue)).isEqualTo(1);
    }

    @TestTemplate
    void timestamps_areTheInjectedClocks(Database database) {
        World w = world(database);
        w.clock().advance(Duration.ofDays(3));
        String id = w.enqueue(Duration.ZERO, null);
        Job job = w.jobs().deliverNext(w.agent(), w.server().id()).orElseThrow();
        assertThat(job.id()).isEqualTo(id);
        assertThat(job.deliveredAt()).isEqualTo(w.clock().instant().truncatedTo(ChronoUnit.MICROS));
    }

    @TestTemplate
    void serversWithDueJobs_queuedDue_leaseRunOut_overdue_notRunningOrFinished(Database database) {
        World w = world(database);
        Server idle = new Fixtures(database).server();
        long server = w.server().id();
        assertThat(w.jobs().serversWithDueJobs()).doesNotContain(server, idle.id());
        String job = w.enqueue(Duration.ofHours(1), null);
        assertThat(w.jobs().serversWithDueJobs()).as("not before an hour").doesNotContain(server);
        w.clock().advance(Duration.ofHours(1));
        assertThat(w.jobs().serversWithDueJobs()).contains(server).doesNotContain(idle.id());
        assertThat(w.jobs().deliverNext(w.agent(), server).orElseThrow().id()).isEqualTo(job);
        assertThat(w.jobs().serversWithDueJobs()).as("delivered, lease running").doesNotContain(server);
        w.clock().advance(LEASE);
        assertThat(w.jobs().serversWithDueJobs()).as("the lease ran out").contains(server);
        w.jobs().deliverNext(w.agent(), server).orElseThrow();
        w.jobs().progress(w.agent(), server, job, true, "started");
        w.clock().advance(LEASE.multipliedBy(3));
        assertThat(w.jobs().serversWithDueJobs()).as("a running job is never handed out again").doesNotContain(server);
        w.jobs().finish(w.agent(), server, job, JobState.SUCCEEDED, "{}");
        String overdue = w.enqueue(Duration.ZERO, Duration.ofMinutes(1));
        w.clock().advance(Duration.ofMinutes(2));
        assertThat(w.jobs().serversWithDueJobs()).as("overdue: deliverNext expires it").contains(server);
        assertThat(w.jobs().deliverNext(w.agent(), server)).isEmpty();
        assertThat(w.job(overdue).state()).isEqualTo(JobState.EXPIRED);
        assertThat(w.jobs().serversWithDueJobs()).doesNotContain(server);
    }
}
