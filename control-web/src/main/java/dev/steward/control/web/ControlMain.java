package dev.steward.control.web;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseUnavailableException;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.auth.PasswordHasher;
import dev.steward.control.web.notify.SmtpSubmission;
import dev.steward.control.web.pipeline.ReleaseFeedPoller;
import dev.steward.control.web.pipeline.ReleasePipeline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control-plane process: {@code steward control --config FILE}. Reads and validates the config
 * (exit 78 with every problem), opens the database (PostgreSQL or embedded H2; migrations run at
 * open, exit 69 if it cannot be reached), then starts the HTTP server, so {@code GET /healthz}
 * answers 200 as soon as the port is open; the {@link Pruner} then runs every ten minutes.
 * SIGTERM/SIGINT stop the server gracefully (in-flight
 * requests finish) and then close the pool.
 *
 * <p>Thread safety: one-thread-at-a-time ({@link #start}, then {@link #close}).
 */
public final class ControlMain implements AutoCloseable {

    /** sysexits.h EX_USAGE. */
    public static final int EX_USAGE = 64;
    /** sysexits.h EX_UNAVAILABLE: the database cannot be reached or migrated. */
    public static final int EX_UNAVAILABLE = 69;

    private static final Logger log = LoggerFactory.getLogger(ControlMain.class);

    private final ControlConfig config;
    private Database database;     // open between start and close
    private ControlServer server;  // running between start and close
    private Pruner pruner;         // scheduled between start and close
    private ReleasePipeline pipeline;   // between start and close: releases, plans, notices
    private ReleaseFeedPoller feeds;    // between start and close: polled by the scheduler

    /** @param config a validated configuration */
    public ControlMain(ControlConfig config) {
        this.config = config;
    }

    /** Entry point: exits with {@link #run}'s code. */
    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    /**
     * Runs {@code control --config FILE} in the foreground until SIGTERM/SIGINT.
     *
     * @param args the arguments after {@code control}
     * @return the exit code: 0 after a clean stop, 64 usage, 69 database unavailable, 78 config
     */
    public static int run(String[] args, PrintStream err) {
        if (args.length != 2 || !"--config".equals(args[0])) {
            err.println("usage: steward control --config FILE");
            return EX_USAGE;
        }
        ControlConfig config;
        try {
            config = ControlConfig.load(Path.of(args[1]));
        } catch (ConfigException invalid) {
            for (ConfigProblem problem : invalid.problems()) {
                err.println(problem.message());
            }
            return ConfigException.EX_CONFIG;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ControlMain main = new ControlMain(config);
        try {
            main.start();
        } catch (DatabaseUnavailableException unavailable) {
            err.println("steward control: " + unavailable.getMessage());
            return EX_UNAVAILABLE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("control_stopping reason=signal");
            main.close();
            stopped.countDown();
        }, "control-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            main.close();
        }
        return 0;
    }

    /**
     * Opens the database and starts the server.
     *
     * @throws DatabaseUnavailableException if the database cannot be opened or migrated
     */
    public ControlMain start() {
        if (database != null) {
            throw new IllegalStateException("already started");
        }
        ControlConfig.DatabaseConfig db = config.database();
        database = db.jdbcUrl() != null
                ? Database.postgres(db.jdbcUrl(), db.user(), db.password(), db.poolSize(), Clock.systemUTC())
                : Database.embedded(db.embeddedDirectory(), db.poolSize(), Clock.systemUTC());
        log.info("control_database {}", db);
        ControlConfig.Notify notify = config.notices();
        SmtpSubmission smtp = notify.configured()
                ? SmtpSubmission.to(notify.smtpHost(), notify.smtpPort(), config.provider().domain()) : null;
        ApiDependencies deps = ApiDependencies.wire(database, new PasswordHasher(), config.provider().domain(),
                config.server().secureCookies(), config.auth().sessionLifetime(), config.auth().loginFailureLimit(),
                config.auth().loginFailureWindow(), smtp, notify.sender());
        log.info("control_notify {}", notify.configured()
                ? "smtp=" + notify.smtpHost() + ":" + notify.smtpPort() + " sender=" + notify.sender()
                : "smtp=none (customer notices are not sent)");
        // The update pipeline (issue 7). The scheduler calls pipeline.advance() and feeds.pollFeeds()
        // periodically and composes pipeline.testStageListener() into the JobOutcomeListener.
        pipeline = deps.pipeline();
        feeds = new ReleaseFeedPoller(pipeline, deps.applications());
        try {
            server = new ControlServer(deps).start(config.server().host(), config.server().port());
            pruner = new Pruner(database, config.auth().loginAttemptRetention(), Clock.systemUTC())
                    .start(Pruner.DEFAULT_INTERVAL);
        } catch (RuntimeException e) {
            database.close();
            database = null;
            throw e;
        }
        return this;
    }

    /** The bound port (tests start on port 0). */
    public int port() {
        return server.port();
    }

    /** The release pipeline (releases, rollout plans, notices), between start and close. */
    public ReleasePipeline pipeline() {
        return pipeline;
    }

    /** The release-feed poller, between start and close. */
    public ReleaseFeedPoller feedPoller() {
        return feeds;
    }

    /** The open database (tests bootstrap an operator through it). */
    public Database database() {
        return database;
    }

    /** Stops the server, then closes the database; safe to call twice. */
    @Override
    public synchronized void close() {
        if (pruner != null) {
            pruner.close();
            pruner = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }
}
