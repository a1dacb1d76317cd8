package dev.steward.control.web;

import dev.steward.control.store.Database;
import dev.steward.control.store.LoginAttemptRepository;
import dev.steward.control.store.SessionRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic clean-up: deletes expired login sessions and login attempts older than the
 * retention, through the repositories' own methods. Each run is two plain deletes by time, so
 * several control-plane instances on one database may all run it: they delete the same rows, and a
 * row deleted twice is deleted once.
 *
 * <p>A failing run (the database is down) is logged and the next run tries again; it never stops
 * the schedule. The first run is one interval after {@link #start}, so start-up is not slowed.
 *
 * <p>Thread safety: thread-safe; {@link #runOnce} may be called from any thread.
 */
public final class Pruner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pruner.class);

    /** How often the clean-up runs in {@code steward control}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);

    private final SessionRepository sessions;
    private final LoginAttemptRepository attempts;
    private final Duration attemptRetention;
    private final Clock clock;
    private ScheduledExecutorService scheduler; // between start and close

    /** @param attemptRetention login attempts older than this are deleted */
    public Pruner(Database database, Duration attemptRetention, Clock clock) {
        this.sessions = new SessionRepository(database);
        this.attempts = new LoginAttemptRepository(database);
        this.attemptRetention = attemptRetention;
        this.clock = clock;
    }

    /**
     * What one run deleted.
     *
     * @param sessions expired sessions deleted
     * @param loginAttempts old login attempts deleted
     */
    public record Result(int sessions, int loginAttempts) {
    }

    /** One clean-up, now. */
    public Result runOnce() {
        int expired = sessions.deleteExpired();
        int old = attempts.deleteOlderThan(clock.instant().minus(attemptRetention));
        if (expired > 0 || old > 0) {
            log.info("prune_done sessions={} login_attempts={}", expired, old);
        }
        return new Result(expired, old);
    }

    /** Runs {@link #runOnce} every {@code interval} on a daemon thread until {@link #close}. */
    public synchronized Pruner start(Duration interval) {
        if (scheduler != null) {
            throw new IllegalStateException("already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "control-pruner");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException failure) {
                log.warn("prune_failed reason=\"{}\"", failure.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Stops the schedule and waits (bounded) for a run in progress. */
    @Override
    public synchronized void close() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("prune_still_running after=10s");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        scheduler = null;
    }
}
