package dev.steward.control.web.api;

import dev.steward.control.core.Actor;
import dev.steward.control.core.job.Job;
import dev.steward.control.store.AgentJobRepository;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long poll of {@code GET /api/agent/v1/jobs/next}: the poll waits; a ticker hands it the
 * server's next job as soon as one is due (already due: at the next tick), or answers "nothing"
 * when the wait is over. A poll without a wait ({@code wait=0}) looks once, at once.
 *
 * <p><b>One query per tick, not one per waiting agent.</b> Every {@code interval} the ticker asks
 * once which servers have a job due ({@link AgentJobRepository#serversWithDueJobs}) and runs
 * {@link AgentJobRepository#deliverNext} only for the waiting polls of those servers. With 10,000
 * agents each holding a poll open, polling the database per agent cost thousands of queries a
 * second for nothing (docs/benchmarks-fleet.md); now an idle fleet costs one cheap query per tick.
 * A job queued during a wait is handed out within about one interval.
 *
 * <p><b>Why polling the database.</b> The database is the only truth every control-plane instance
 * shares: a job queued through instance A is found by a poll waiting on instance B within one
 * tick, and two polls never take the same delivery (the repository's conditional update). A
 * notification mechanism would be an optimisation on top.
 *
 * <p><b>Threads.</b> A waiting poll holds no HTTP thread: the request is completed from a small
 * scheduler (its threads run the short database queries). {@link #close} answers every waiting
 * poll at once with "nothing" (204), so a stopping server does not wait out the long polls; a job
 * taken by a poll whose answer is lost that way is handed out again after its lease.
 *
 * <p>Thread safety: thread-safe.
 */
final class JobPoller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobPoller.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** A waiting poll; identity matters (a server may have two). */
    private record Waiter(CompletableFuture<Optional<Job>> result, Actor agent, long serverId, long deadlineNanos) {
    }

    private final AgentJobRepository jobs;
    private final ScheduledExecutorService scheduler;
    private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet(); // polls with a wait, for the ticker
    private final Set<CompletableFuture<Optional<Job>>> open = ConcurrentHashMap.newKeySet(); // every unanswered poll
    private final AtomicLong ticks = new AtomicLong();
    private volatile boolean closed; // set once by close()

    /** @param interval the pause between the ticker's shared queries, positive */
    JobPoller(AgentJobRepository jobs, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive: " + interval);
        }
        this.jobs = jobs;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(4, runnable -> {
            Thread thread = new Thread(runnable, "job-poll-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = executor;
        long nanos = interval.toNanos();
        executor.scheduleWithFixedDelay(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The server's next job within {@code wait}.
     *
     * @return completes with the delivered job, or empty when the wait ended without one; fails
     *     with the repository's exception
     */
    CompletableFuture<Optional<Job>> next(Actor agent, long serverId, Duration wait) {
        CompletableFuture<Optional<Job>> result = new CompletableFuture<>();
        if (closed) {
            result.complete(Optional.empty());
            return result;
        }
        Waiter waiter = new Waiter(result, agent, serverId, System.nanoTime() + wait.toNanos());
        open.add(result);
        result.whenComplete((job, failure) -> open.remove(result));
        if (closed) { // close() may have run before the add: it answers only what it sees
            result.complete(Optional.empty());
            return result;
        }
        if (wait.isZero()) {
            // One look now, off the HTTP thread.
            try {
                scheduler.execute(() -> {
                    if (!deliver(waiter)) {
                        result.complete(Optional.empty());
                    }
                });
            } catch (RejectedExecutionException stopping) {
                result.complete(Optional.empty());
            }
            return result;
        }
        // The first look is the next tick's: a job already due is handed out within one interval,
        // and a poll costs no query of its own (an idle fleet re-polls hundreds of times a second).
        waiting.add(waiter);
        result.whenComplete((job, failure) -> waiting.remove(waiter));
        return result;
    }

    /**
     * How many polls are waiting now (for tests and diagnostics): those not yet answered. A poll
     * leaves {@code waiting} in a completion action, which may run after a caller blocked in
     * {@code get()} has already been woken by the answer, so the set's size alone can lag.
     */
    int waitingCount() {
        return (int) waiting.stream().filter(waiter -> !waiter.result().isDone()).count();
    }

    /** How many ticks have run (for tests: await a tick instead of sleeping). */
    long ticks() {
        return ticks.get();
    }

    /** Asks the database for the server's next job; completes the poll when there is one. */
    private boolean deliver(Waiter waiter) {
        if (waiter.result().isDone()) {
            return true;
        }
        try {
            Optional<Job> job = jobs.deliverNext(waiter.agent(), waiter.serverId());
            if (job.isPresent()) {
                if (!waiter.result().complete(job)) {
                    // Answered meanwhile (closed): the delivery is handed out again after its lease.
                    log.debug("job {} delivered to a poll that had ended", job.get().id());
                }
                return true;
            }
            return false;
        } catch (RuntimeException failure) {
            waiter.result().completeExceptionally(failure);
            return true;
        }
    }

    private void tick() {
        try {
            if (closed || waiting.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            Set<Long> due;
            try {
                due = jobs.serversWithDueJobs();
            } catch (RuntimeException failure) {
                // The next tick tries again; the waits still end on time.
                log.warn("job_poll_tick_failed error={}", failure.toString());
                due = Set.of();
            }
            for (Waiter waiter : waiting) {
                if (due.contains(waiter.serverId()) && deliver(waiter)) {
                    continue;
                }
                if (now - waiter.deadlineNanos() >= 0) {
                    waiter.result().complete(Optional.empty());
                }
            }
        } catch (RuntimeException unexpected) {
            log.error("job_poll_tick_failed", unexpected); // a scheduled task that throws is never run again
        } finally {
            ticks.incrementAndGet();
        }
    }

    /** Answers every waiting poll with "nothing" and stops the scheduler. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow(); // drops looks not yet run: their polls are in open
        for (CompletableFuture<Optional<Job>> poll : open) {
            poll.complete(Optional.empty());
        }
    }
}
