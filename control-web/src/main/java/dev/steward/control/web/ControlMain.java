package dev.steward.control.web;

import dev.steward.common.config.ConfigException;
import dev.steward.common.config.ConfigProblem;
import dev.steward.control.store.CompositeJobOutcomeListener;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseUnavailableException;
import dev.steward.control.store.MaintenanceSettingsRepository;
import dev.steward.control.store.TaskScheduler;
import dev.steward.control.store.WindowExecutor;
import dev.steward.control.web.api.AgentApiSettings;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.auth.PasswordHasher;
import dev.steward.control.web.notify.SmtpSubmission;
import dev.steward.control.web.pipeline.ReleaseFeedPoller;
import dev.steward.control.web.pipeline.ReleasePipeline;
import dev.steward.control.web.ui.UiSettings;
import dev.steward.dnscheck.DnsCheck;
import dev.steward.mail.dns.DnsjavaResolver;
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
 * answers 200 as soon as the port is open; the {@link Pruner} then runs every ten minutes, and the
 * cluster-safe {@link TaskScheduler} runs the maintenance windows ({@link WindowExecutor}: windows
 * materialised ahead, OS jobs and application rollouts at each window's start, expiry at its end).
 * SIGTERM/SIGINT stop the scheduler, then the server gracefully (in-flight requests finish), and
 * then close the pool.
 *
 * <p>Job outcomes: {@link #jobOutcomes()} is the one {@link CompositeJobOutcomeListener} the job
 * API reports results to; the rollout's listener is in it, and the pipeline's test-stage listener
 * is added to it.
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
    private MaintenanceRuntime runtime; // job-outcome listeners, pipeline, scheduler: from start
    private TaskScheduler scheduler;    // polling between start and close

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
                config.auth().loginFailureWindow(), smtp, notify.sender())
                .withMaintenance(new MaintenanceSettingsRepository(database, config.maintenance().fleet()),
                        config.maintenance().soak());
        log.info("control_notify {}", notify.configured()
                ? "smtp=" + notify.smtpHost() + ":" + notify.smtpPort() + " sender=" + notify.sender()
                : "smtp=none (customer notices are not sent)");
        // The maintenance calendar and the update pipeline (issue 7): the rollout's and the test
        // stage's listeners are in place before the server can deliver a job result.
        ControlConfig.Maintenance maintenance = config.maintenance();
        runtime = MaintenanceRuntime.wire(database, deps, maintenance, config.agents().jobLease(), Clock.systemUTC(),
                instanceName());
        log.info("control_maintenance os_window=\"{}\" app_window=\"{}\" zone={} weeks_ahead={} os_job_expected={}s"
                        + " soak={}s", maintenance.fleet().os(), maintenance.fleet().app(), maintenance.fleet().zone(),
                maintenance.weeksAhead(), maintenance.osJobExpected().toSeconds(), maintenance.soak().toSeconds());
        try {
            UiSettings ui = new UiSettings(new DnsjavaResolver(config.dns()), DnsCheck.DEFAULT_DEADLINE);
            // Job results are told to jobOutcomes (the rollout, the test stage) in the result's transaction.
            server = new ControlServer(deps, ui, agentSettings(config).withListener(runtime.outcomes()))
                    .start(config.server().host(), config.server().port());
            pruner = new Pruner(database, config.auth().loginAttemptRetention(), Clock.systemUTC())
                    .start(Pruner.DEFAULT_INTERVAL);
            scheduler = runtime.scheduler().start(maintenance.pollInterval());
        } catch (RuntimeException e) {
            if (pruner != null) {
                pruner.close();
                pruner = null;
            }
            if (server != null) {
                server.close();
                server = null;
            }
            database.close();
            database = null;
            throw e;
        }
        return this;
    }

    /** The agent job API's settings from {@code [agents]} (lease, enrolment-token validity); other values default. */
    static AgentApiSettings agentSettings(ControlConfig config) {
        AgentApiSettings defaults = AgentApiSettings.defaults();
        return new AgentApiSettings(defaults.listener(), config.agents().jobLease(),
                config.agents().enrolmentTokenValidity(), defaults.maxWait(), defaults.pollInterval(),
                defaults.clock());
    }

    /** This instance's name in the scheduler's claims: host and process id. */
    private static String instanceName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException unknown) {
            host = "unknown-host";
        }
        String name = host + ":" + ProcessHandle.current().pid();
        return name.length() <= 128 ? name : name.substring(name.length() - 128);
    }

    /** The listener the job API reports job outcomes to (add further listeners before jobs run). */
    public CompositeJobOutcomeListener jobOutcomes() {
        return runtime == null ? null : runtime.outcomes();
    }

    /** The scheduler, between start and close (the pipeline registers its recurring work on it). */
    public TaskScheduler scheduler() {
        return scheduler;
    }

    /** The bound port (tests start on port 0). */
    public int port() {
        return server.port();
    }

    /** The release pipeline (releases, rollout plans, notices), between start and close. */
    public ReleasePipeline pipeline() {
        return runtime == null ? null : runtime.pipeline();
    }

    /** The release-feed poller, between start and close. */
    public ReleaseFeedPoller feedPoller() {
        return runtime == null ? null : runtime.feeds();
    }

    /** The open database (tests bootstrap an operator through it). */
    public Database database() {
        return database;
    }

    /** Stops the server, then closes the database; safe to call twice. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.close();
            scheduler = null;
        }
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
