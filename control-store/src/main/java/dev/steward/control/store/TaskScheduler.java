package dev.steward.control.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-safe scheduler: one-time tasks in {@code scheduled_task}, keyed by (task name,
 * instance), each run exactly once by exactly one of the control-plane instances that share the
 * database (issue 7: "two control-plane instances never run the same job twice").
 *
 * <p><b>Tasks.</b> {@link #schedule} inserts a task if there is none with that key (so two instances
 * scheduling the same window's start create one row); a task is due when {@code execute_at <= now}.
 * A <em>recurring</em> task ({@link #registerRecurring}) is one row with instance
 * {@value #RECURRING} that re-arms itself: after each run its {@code execute_at} moves one interval
 * on, in the transaction of the run.
 *
 * <p><b>Claim, run, done.</b> {@link #runDue} reads a batch of due, unclaimed tasks and claims each
 * with a conditional update on {@code version} ({@code picked_by} = this instance,
 * {@code picked_until} = now + lease, {@code version + 1}); of several instances exactly one update
 * matches. The claimed task's handler then runs in a transaction that also marks the task done
 * ({@code done_at}), again conditional on the claimed version: if the lease ran out and another
 * instance took the task over meanwhile, the mark matches no row and the whole run rolls back. So
 * a handler's database work commits exactly once; work outside the database (an e-mail) may
 * repeat only when a run outlives its lease.
 *
 * <p><b>Failures.</b> A handler that throws is logged with the stack; its transaction rolls back and
 * the task is released for a retry {@link #RETRY_DELAY} later. A claim whose owner died is taken
 * over after {@code picked_until}. A task without a registered handler (a newer instance's task)
 * is left for an instance that knows it.
 *
 * <p><b>Time.</b> Every instant comes from the injected {@link Clock}; tests move a clock and call
 * {@link #runDue} instead of sleeping. {@link #start} runs {@link #runDue} on a daemon thread every
 * poll interval until {@link #close}.
 *
 * <p>Thread safety: thread-safe; handlers may be registered before or after {@link #start}.
 */
public final class TaskScheduler implements AutoCloseable {

    /** The instance of a recurring task's single row. */
    public static final String RECURRING = "recurring";
    /** A failed run is retried this much later. */
    public static final Duration RETRY_DELAY = Duration.ofMinutes(1);
    /** How long a claim holds by default: longer than any handler runs. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(TaskScheduler.class);
    private static final int BATCH = 100;

    /**
     * A task as its handler sees it.
     *
     * @param name the task name, e.g. {@code window-open}
     * @param instance the instance, e.g. the occurrence id
     * @param executeAt when it was due
     * @param data the data given to {@link #schedule}, or null
     */
    public record Task(String name, String instance, Instant executeAt, String data) {
    }

    /**
     * The work of a task. Work done through the given handle commits exactly once; work a handler
     * does in transactions of its own (or outside the database) runs once per successful claim,
     * which is once unless a run outlives its lease. Recurring pipeline work registers like this:
     * {@code scheduler.registerRecurring("pipeline-advance", Duration.ofMinutes(1),
     * (handle, task, now) -> pipeline.advance(now))}.
     */
    @FunctionalInterface
    public interface Handler {
        /**
         * Runs the task.
         *
         * @param handle the transaction the task is marked done in: work done through it commits
         *     exactly once
         * @param task the task
         * @param now the scheduler clock's instant of this run
         */
        void run(Handle handle, Task task, Instant now);
    }

    private record Registration(Handler handler, Duration interval) {
    }

    private record Due(String name, String instance, Instant executeAt, String data, long version) {
    }

    private final Database database;
    private final Clock clock;
    private final String instanceId;
    private final Duration lease;
    private final Map<String, Registration> handlers = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private Thread poller;    // between start and close; guarded by lock
    private boolean stopping; // close() called; guarded by lock

    /**
     * @param clock where "now" comes from
     * @param instanceId this control-plane instance's name in {@code picked_by} (e.g. host and pid)
     * @param lease how long a claim holds before another instance may take the task over
     */
    public TaskScheduler(Database database, Clock clock, String instanceId, Duration lease) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        if (instanceId.isBlank() || instanceId.length() > 128) {
            throw new IllegalArgumentException("instance id must be 1..128 characters: " + instanceId);
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive: " + lease);
        }
        this.lease = lease;
    }

    /** @return this instance's name in {@code picked_by} */
    public String instanceId() {
        return instanceId;
    }

    /** Registers the handler of one-time tasks named {@code name}. */
    public TaskScheduler register(String name, Handler handler) {
        checkName(name);
        handlers.put(name, new Registration(Objects.requireNonNull(handler, "handler"), null));
        return this;
    }

    /**
     * Registers a recurring task: one row ({@code name}, {@value #RECURRING}), due now when it does
     * not exist yet, re-armed {@code interval} after each run.
     */
    public TaskScheduler registerRecurring(String name, Duration interval, Handler handler) {
        checkName(name);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        handlers.put(name, new Registration(Objects.requireNonNull(handler, "handler"), interval));
        schedule(name, RECURRING, now(), null);
        return this;
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank() || name.length() > 64) {
            throw new IllegalArgumentException("task name must be 1..64 characters: " + name);
        }
    }

    /**
     * Schedules a one-time task in the caller's transaction, unless one with that key exists (done
     * or not): idempotent, and safe when another instance schedules the same key at the same time
     * (the insert runs under a savepoint; a unique violation means the other one won).
     *
     * @param at when it is due (truncated to microseconds, what both databases store)
     * @param data free text for the handler (at most 4,000 characters), or null
     * @return true when this call created the task
     */
    public static boolean schedule(Handle handle, String name, String instance, Instant at, String data) {
        checkName(name);
        if (instance == null || instance.isBlank() || instance.length() > 128) {
            throw new IllegalArgumentException("task instance must be 1..128 characters: " + instance);
        }
        if (data != null && data.length() > 4000) {
            throw new IllegalArgumentException("task data is at most 4000 characters, not " + data.length());
        }
        if (exists(handle, name, instance)) {
            return false;
        }
        String savepoint = "task_insert";
        handle.savepoint(savepoint);
        try {
            handle.createUpdate("""
                            insert into scheduled_task (task_name, instance, execute_at, data, version)
                            values (:name, :instance, :at, :data, 0)
                            """)
                    .bind("name", name).bind("instance", instance).bind("at", at.truncatedTo(ChronoUnit.MICROS))
                    .bind("data", data).execute();
            handle.releaseSavepoint(savepoint);
            return true;
        } catch (RuntimeException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            handle.rollbackToSavepoint(savepoint);
            return false;
        }
    }

    /** {@link #schedule(Handle, String, String, Instant, String)} in a transaction of its own. */
    public boolean schedule(String name, String instance, Instant at, String data) {
        return database.jdbi().inTransaction(handle -> schedule(handle, name, instance, at, data));
    }

    private static boolean exists(Handle handle, String name, String instance) {
        return handle.createQuery("select count(*) from scheduled_task where task_name = :name and instance = :instance")
                .bind("name", name).bind("instance", instance).mapTo(Integer.class).one() > 0;
    }

    /**
     * Claims and runs every task due now that this instance has a handler for, batch by batch,
     * until none is left (tasks scheduled by a run for now or earlier run in the same call).
     *
     * @return how many tasks this call ran successfully
     */
    public int runDue() {
        int ran = 0;
        List<String> names = List.copyOf(handlers.keySet());
        if (names.isEmpty()) {
            return 0;
        }
        for (int round = 0; round < 1000; round++) {
            Instant now = now();
            // Only names this instance knows: another version's tasks must not fill the batch.
            List<Due> due = database.jdbi().withHandle(handle -> handle.createQuery("""
                            select task_name, instance, execute_at, data, version from scheduled_task
                            where done_at is null and execute_at <= :now and task_name in (<names>)
                              and (picked_until is null or picked_until < :now)
                            order by execute_at, task_name, instance
                            limit :batch
                            """)
                    .bind("now", now).bind("batch", BATCH).bindList("names", names)
                    .map((rs, ctx) -> new Due(rs.getString("task_name"), rs.getString("instance"),
                            Sql.instant(rs, "execute_at"), rs.getString("data"), rs.getLong("version")))
                    .list());
            int claimedThisRound = 0;
            for (Due task : due) {
                Registration registration = handlers.get(task.name());
                if (registration == null || Thread.currentThread().isInterrupted()) {
                    continue;
                }
                if (!claim(task, now)) {
                    continue;
                }
                claimedThisRound++;
                if (run(task, registration, task.version() + 1)) {
                    ran++;
                }
            }
            if (claimedThisRound == 0) {
                break;
            }
        }
        return ran;
    }

    private boolean claim(Due task, Instant now) {
        int updated = database.jdbi().withHandle(handle -> handle.createUpdate("""
                        update scheduled_task
                        set picked_by = :me, picked_until = :until, version = version + 1
                        where task_name = :name and instance = :instance and version = :version and done_at is null
                        """)
                .bind("me", instanceId).bind("until", now.plus(lease)).bind("name", task.name())
                .bind("instance", task.instance()).bind("version", task.version()).execute());
        return updated == 1;
    }

    /** Runs a claimed task and marks it done (or re-arms it) in one transaction; false when it failed. */
    private boolean run(Due task, Registration registration, long claimedVersion) {
        Task view = new Task(task.name(), task.instance(), task.executeAt(), task.data());
        long started = System.nanoTime();
        try {
            database.jdbi().useTransaction(handle -> {
                Instant now = now();
                registration.handler().run(handle, view, now);
                int marked = registration.interval() == null
                        ? handle.createUpdate("""
                                update scheduled_task set done_at = :now, picked_until = null, version = version + 1
                                where task_name = :name and instance = :instance and version = :version
                                """)
                        .bind("now", now).bind("name", task.name()).bind("instance", task.instance())
                        .bind("version", claimedVersion).execute()
                        : handle.createUpdate("""
                                update scheduled_task
                                set execute_at = :next, picked_by = null, picked_until = null, version = version + 1
                                where task_name = :name and instance = :instance and version = :version
                                """)
                        .bind("next", now.plus(registration.interval())).bind("name", task.name())
                        .bind("instance", task.instance()).bind("version", claimedVersion).execute();
                if (marked != 1) {
                    throw new LostClaimException(task.name(), task.instance());
                }
            });
            log.debug("task_done name={} instance={} ms={}", task.name(), task.instance(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return true;
        } catch (LostClaimException lost) {
            log.warn("task_claim_lost name={} instance={} by={} reason=\"the lease ran out and another instance took"
                    + " the task over; this run was rolled back\"", task.name(), task.instance(), instanceId);
            return false;
        } catch (RuntimeException failure) {
            log.error("task_failed name={} instance={} retry_in={}s", task.name(), task.instance(),
                    RETRY_DELAY.toSeconds(), failure);
            release(task, claimedVersion);
            return false;
        }
    }

    private void release(Due task, long claimedVersion) {
        try {
            database.jdbi().useHandle(handle -> handle.createUpdate("""
                            update scheduled_task
                            set execute_at = :retry, picked_by = null, picked_until = null, version = version + 1
                            where task_name = :name and instance = :instance and version = :version
                            """)
                    .bind("retry", now().plus(RETRY_DELAY)).bind("name", task.name())
                    .bind("instance", task.instance()).bind("version", claimedVersion).execute());
        } catch (RuntimeException e) {
            // The claim then simply runs out: another instance (or this one) retries after the lease.
            log.warn("task_release_failed name={} instance={} reason=\"{}\"", task.name(), task.instance(), e.toString());
        }
    }

    /** Deletes one-time tasks done before {@code before}; returns how many. */
    public static int deleteDoneBefore(Handle handle, Instant before) {
        return handle.createUpdate("delete from scheduled_task where done_at is not null and done_at < :before")
                .bind("before", before).execute();
    }

    /** @return whether the task exists and is done (for tests and diagnostics) */
    public boolean isDone(String name, String instance) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select count(*) from scheduled_task
                        where task_name = :name and instance = :instance and done_at is not null
                        """)
                .bind("name", name).bind("instance", instance).mapTo(Integer.class).one() > 0);
    }

    /** @return when the task is due, if it exists */
    public java.util.Optional<Instant> dueAt(String name, String instance) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select execute_at from scheduled_task where task_name = :name and instance = :instance
                        """)
                .bind("name", name).bind("instance", instance).map((rs, ctx) -> Sql.instant(rs, "execute_at"))
                .findOne());
    }

    /**
     * Runs {@link #runDue} every {@code pollInterval} on a daemon thread until {@link #close}. A
     * failing poll (the database is down) is logged and the next one tries again.
     *
     * @throws IllegalStateException if already started
     */
    public TaskScheduler start(Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
        }
        lock.lock();
        try {
            if (poller != null || stopping) {
                throw new IllegalStateException("already started");
            }
            poller = Thread.ofPlatform().name("control-scheduler").daemon(true).start(() -> loop(pollInterval));
        } finally {
            lock.unlock();
        }
        log.info("scheduler_started instance={} poll={}ms lease={}s handlers={}", instanceId, pollInterval.toMillis(),
                lease.toSeconds(), handlers.keySet());
        return this;
    }

    private void loop(Duration pollInterval) {
        while (true) {
            try {
                runDue();
            } catch (RuntimeException failure) {
                log.warn("scheduler_poll_failed reason=\"{}\"", failure.toString());
            }
            lock.lock();
            try {
                if (stopping) {
                    return;
                }
                wake.await(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
                if (stopping) {
                    return;
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Stops polling and waits (at most 30 s) for a run in progress to finish; safe to call twice. */
    @Override
    public void close() {
        Thread running;
        lock.lock();
        try {
            stopping = true;
            wake.signalAll();
            running = poller;
            poller = null;
        } finally {
            lock.unlock();
        }
        if (running == null) {
            return;
        }
        try {
            if (!running.join(Duration.ofSeconds(30))) {
                log.warn("scheduler_still_running after=30s");
                running.interrupt();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        log.info("scheduler_stopped instance={}", instanceId);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The claim of a running task was taken over (its lease ran out): the run must not commit. */
    static final class LostClaimException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LostClaimException(String name, String instance) {
            super("lost the claim of task " + name + "/" + instance);
        }
    }
}
