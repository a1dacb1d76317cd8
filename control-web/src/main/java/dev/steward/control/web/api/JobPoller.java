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

/**
 * The long poll of {@code GET /api/agent/v1/jobs/next}: asks the database for the server's next job
 * now, then again after pauses that double (first .. longest interval) until a job is handed out
 * or the wait is over.
 *
 * <p><b>Why polling.</b> The database is the only truth every control-plane instance shares: a job
 * queued through instance A is found by a poll waiting on instance B within one interval, and
 * two polls never take the same delivery (the repository's conditional update). Nothing here is
 * state another instance would have to agree with; a notification mechanism would be an
 * optimisation on top.
 *
 * <p><b>Threads.</b> A waiting poll holds no HTTP thread: the request is completed from a small
 * scheduler (its threads run the short database queries). {@link #close} answers every waiting
 * poll at once with "nothing" (204), so a stopping server does not wait out the long polls; a job
 * taken by a poll whose answer is lost that way is handed out again after its lease.
 *
 * <p>Thread safety: thread-safe.
 */
final class JobPoller implements AutoCloseable {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final AgentJobRepository jobs;
    private final Duration firstInterval;
    private final Duration maxInterval;
    private final ScheduledExecutorService scheduler;
    private final Set<CompletableFuture<Optional<Job>>> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean closed; // set once by close()

    JobPoller(AgentJobRepository jobs, Duration firstInterval, Duration maxInterval) {
        this.jobs = jobs;
        this.firstInterval = firstInterval;
        this.maxInterval = maxInterval;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(4, runnable -> {
            Thread thread = new Thread(runnable, "job-poll-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = executor;
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
        waiting.add(result);
        result.whenComplete((job, failure) -> waiting.remove(result));
        long deadline = System.nanoTime() + wait.toNanos();
        schedule(result, agent, serverId, deadline, 0, firstInterval);
        return result;
    }

    private void schedule(CompletableFuture<Optional<Job>> result, Actor agent, long serverId, long deadline,
                          long delayNanos, Duration nextInterval) {
        try {
            scheduler.schedule(() -> poll(result, agent, serverId, deadline, nextInterval), delayNanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            result.complete(Optional.empty());
        }
    }

    private void poll(CompletableFuture<Optional<Job>> result, Actor agent, long serverId, long deadline,
                      Duration interval) {
        if (result.isDone()) {
            return;
        }
        if (closed) {
            result.complete(Optional.empty());
            return;
        }
        Optional<Job> job;
        try {
            job = jobs.deliverNext(agent, serverId);
        } catch (RuntimeException failure) {
            result.completeExceptionally(failure);
            return;
        }
        long left = deadline - System.nanoTime();
        if (job.isPresent() || left <= 0) {
            result.complete(job);
            return;
        }
        Duration doubled = interval.multipliedBy(2);
        schedule(result, agent, serverId, deadline, Math.min(interval.toNanos(), left),
                doubled.compareTo(maxInterval) > 0 ? maxInterval : doubled);
    }

    /** Answers every waiting poll with "nothing" and stops the scheduler. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        for (CompletableFuture<Optional<Job>> poll : waiting) {
            poll.complete(Optional.empty());
        }
    }
}
