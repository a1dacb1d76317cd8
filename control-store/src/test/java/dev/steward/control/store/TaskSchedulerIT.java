package dev.steward.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.maintenance.BlackoutDates;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.maintenance.WindowCalendar;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.store.DatabaseExtension.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

/** The cluster-safe scheduler on both databases, driven by a movable clock and {@code runDue()}. */
@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class TaskSchedulerIT {

    private static final Instant T0 = Instant.parse("2027-01-04T03:00:00Z");

    private static String name(String prefix) {
        return prefix + "-" + Fixtures.next();
    }

    @TestTemplate
    void schedule_isIdempotent_andATaskRunsOnceWhenDue(Database database) {
        MovableClock clock = new MovableClock(T0);
        TaskScheduler scheduler = new TaskScheduler(database, clock, "a", Duration.ofMinutes(5));
        String name = name("once");
        List<String> seen = new ArrayList<>();
        scheduler.register(name, (handle, task, now) -> seen.add(task.instance() + "@" + now + ":" + task.data()));

        assertThat(scheduler.schedule(name, "1", T0.plusSeconds(60), "hello")).isTrue();
        assertThat(scheduler.schedule(name, "1", T0.plusSeconds(5), "other")).isFalse();
        assertThat(scheduler.dueAt(name, "1")).contains(T0.plusSeconds(60));

        assertThat(scheduler.runDue()).isZero();
        clock.advance(Duration.ofSeconds(59));
        assertThat(scheduler.runDue()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(seen).containsExactly("1@" + T0.plusSeconds(60) + ":hello");
        assertThat(scheduler.isDone(name, "1")).isTrue();

        clock.advance(Duration.ofDays(1));
        assertThat(scheduler.runDue()).isZero();
        // Done tasks are not scheduled again under the same key.
        assertThat(scheduler.schedule(name, "1", T0, null)).isFalse();
        assertThat(seen).hasSize(1);
    }

    @TestTemplate
    void twoInstances_manyDueTasks_eachHandlerInvocationExactlyOnce(TestDatabase test) throws Exception {
        Database second = test.openAnother(4);
        MovableClock clock = new MovableClock(T0);
        String name = name("race");
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> byInstance = new ConcurrentHashMap<>();
        TaskScheduler a = new TaskScheduler(test.database(), clock, "instance-a", Duration.ofMinutes(5));
        TaskScheduler b = new TaskScheduler(second, clock, "instance-b", Duration.ofMinutes(5));
        for (TaskScheduler scheduler : List.of(a, b)) {
            scheduler.register(name, (handle, task, now) -> {
                runs.computeIfAbsent(task.instance(), k -> new AtomicInteger()).incrementAndGet();
                byInstance.computeIfAbsent(scheduler.instanceId(), k -> new AtomicInteger()).incrementAndGet();
                // Some database work in the task's transaction, as the window tasks do.
                TaskScheduler.schedule(handle, name + "-follow", task.instance(), now, null);
            });
        }
        int tasks = 300;
        for (int i = 0; i < tasks; i++) {
            // Both instances schedule every task (as both materialise the same windows).
            (i % 2 == 0 ? a : b).schedule(name, Integer.toString(i), T0.minusSeconds(i % 7), null);
            (i % 2 == 0 ? b : a).schedule(name, Integer.toString(i), T0.minusSeconds(i % 7), null);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (TaskScheduler scheduler : List.of(a, b, a, b)) {
                results.add(pool.submit(() -> {
                    go.await();
                    return scheduler.runDue();
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(tasks);
        } finally {
            pool.shutdownNow();
        }
        assertThat(runs).hasSize(tasks);
        assertThat(runs.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
        assertThat(byInstance.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(tasks);
        assertThat(a.runDue() + b.runDue()).isZero();
        int follows = test.database().jdbi().withHandle(handle -> handle.createQuery(
                "select count(*) from scheduled_task where task_name = :name").bind("name", name + "-follow")
                .mapTo(Integer.class).one());
        assertThat(follows).isEqualTo(tasks);
    }

    @TestTemplate
    void aClaimWhoseOwnerDied_isTakenOverAfterItsLease(Database database) {
        MovableClock clock = new MovableClock(T0);
        TaskScheduler scheduler = new TaskScheduler(database, clock, "survivor", Duration.ofMinutes(5));
        String name = name("orphan");
        AtomicInteger runs = new AtomicInteger();
        scheduler.register(name, (handle, task, now) -> runs.incrementAndGet());
        scheduler.schedule(name, "x", T0, null);
        // Another instance claimed it and died.
        database.jdbi().useHandle(handle -> handle.createUpdate("""
                        update scheduled_task set picked_by = 'dead', picked_until = :until, version = version + 1
                        where task_name = :name
                        """)
                .bind("until", T0.plus(Duration.ofMinutes(5))).bind("name", name).execute());

        assertThat(scheduler.runDue()).isZero();
        clock.advance(Duration.ofMinutes(5));
        assertThat(scheduler.runDue()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(runs).hasValue(1);
    }

    @TestTemplate
    void aRunThatLostItsClaim_rollsBackItsWork(Database database) {
        MovableClock clock = new MovableClock(T0);
        TaskScheduler scheduler = new TaskScheduler(database, clock, "slow", Duration.ofMinutes(5));
        String name = name("lost");
        scheduler.register(name, (handle, task, now) -> {
            TaskScheduler.schedule(handle, name + "-work", "1", now, null);
            // Meanwhile the lease ran out and another instance took the task over.
            database.jdbi().useHandle(other -> other.createUpdate("""
                            update scheduled_task set picked_by = 'other', version = version + 1 where task_name = :name
                            """)
                    .bind("name", name).execute());
        });
        scheduler.schedule(name, "1", T0, null);

        assertThat(scheduler.runDue()).isZero();
        assertThat(scheduler.isDone(name, "1")).isFalse();
        assertThat(scheduler.dueAt(name + "-work", "1")).isEmpty();
    }

    @TestTemplate
    void aFailingHandler_isRetriedAMinuteLater(Database database) {
        MovableClock clock = new MovableClock(T0);
        TaskScheduler scheduler = new TaskScheduler(database, clock, "a", Duration.ofMinutes(5));
        String name = name("flaky");
        AtomicInteger attempts = new AtomicInteger();
        scheduler.register(name, (handle, task, now) -> {
            TaskScheduler.schedule(handle, name + "-work", Integer.toString(attempts.get()), now, null);
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        });
        scheduler.schedule(name, "1", T0, null);

        assertThat(scheduler.runDue()).isZero();
        assertThat(scheduler.dueAt(name, "1")).contains(T0.plus(TaskScheduler.RETRY_DELAY));
        assertThat(scheduler.dueAt(name + "-work", "0")).as("the failed run's work rolled back").isEmpty();
        clock.advance(TaskScheduler.RETRY_DELAY);
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(attempts).hasValue(2);
        assertThat(scheduler.isDone(name, "1")).isTrue();
        assertThat(scheduler.dueAt(name + "-work", "1")).isPresent();
    }

    @TestTemplate
    void aRecurringTask_reArmsItselfOneIntervalAfterEachRun(TestDatabase test) {
        MovableClock clock = new MovableClock(T0);
        String name = name("every-hour");
        AtomicInteger runs = new AtomicInteger();
        TaskScheduler a = new TaskScheduler(test.database(), clock, "a", Duration.ofMinutes(5))
                .registerRecurring(name, Duration.ofHours(1), (handle, task, now) -> runs.incrementAndGet());
        TaskScheduler b = new TaskScheduler(test.openAnother(2), clock, "b", Duration.ofMinutes(5))
                .registerRecurring(name, Duration.ofHours(1), (handle, task, now) -> runs.incrementAndGet());

        assertThat(a.runDue() + b.runDue()).isEqualTo(1);
        assertThat(a.dueAt(name, TaskScheduler.RECURRING)).contains(T0.plus(Duration.ofHours(1)));
        clock.advance(Duration.ofMinutes(59));
        assertThat(b.runDue() + a.runDue()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(b.runDue() + a.runDue()).isEqualTo(1);
        assertThat(runs).hasValue(2);
    }

    @TestTemplate
    void windowOpen_onTheDayAfterTheMarchChange_firesAtThreeUtc(Database database) {
        MovableClock clock = new MovableClock(Instant.parse("2027-03-28T12:00:00Z"));
        TaskScheduler scheduler = new TaskScheduler(database, clock, "a", Duration.ofMinutes(5));
        WindowOccurrence monday = new WindowCalendar(MaintenanceSchedule.DEFAULT, BlackoutDates.NONE)
                .next(WindowKind.OS, clock.instant(), 1).getFirst();
        assertThat(monday.start().toLocalDateTime()).hasToString("2027-03-29T05:00");
        long id = new WindowOccurrenceRepository(database).idOf(monday);
        database.jdbi().useTransaction(handle -> WindowExecutor.scheduleWindow(handle, id, monday));
        List<Instant> fired = new ArrayList<>();
        scheduler.register(WindowExecutor.OPEN, (handle, task, now) -> {
            if (task.instance().equals(Long.toString(id))) {
                fired.add(now);
            }
        });

        assertThat(scheduler.dueAt(WindowExecutor.OPEN, Long.toString(id)))
                .contains(Instant.parse("2027-03-29T03:00:00Z"));
        assertThat(scheduler.dueAt(WindowExecutor.CLOSE, Long.toString(id)))
                .contains(Instant.parse("2027-03-29T05:00:00Z"));
        clock.set(Instant.parse("2027-03-29T02:59:59Z"));
        scheduler.runDue();
        assertThat(fired).isEmpty();
        clock.set(Instant.parse("2027-03-29T03:00:00Z"));
        scheduler.runDue();
        assertThat(fired).containsExactly(Instant.parse("2027-03-29T03:00:00Z"));
    }

    @TestTemplate
    void startAndClose_pollOnAThreadAndStopCleanly(Database database) throws Exception {
        MovableClock clock = new MovableClock(T0);
        String name = name("polled");
        CountDownLatch ran = new CountDownLatch(1);
        try (TaskScheduler scheduler = new TaskScheduler(database, clock, "a", Duration.ofMinutes(5))) {
            scheduler.register(name, (handle, task, now) -> ran.countDown());
            scheduler.schedule(name, "1", T0, null);
            scheduler.start(Duration.ofMillis(50));
            assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
