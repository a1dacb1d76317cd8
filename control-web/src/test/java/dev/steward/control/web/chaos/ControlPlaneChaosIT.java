package dev.steward.control.web.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.store.AgentRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.WindowExecutor;
import dev.steward.control.web.FleetFixtures;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.api.PipelineRows;
import dev.steward.control.web.api.ScriptedAgent;
import dev.steward.control.web.auth.PasswordHasher;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 9, the control plane's crash test: a release rolled out in waves to {@value #DEFAULT_SERVERS}
 * servers while one of two control-plane instances (real processes, {@link ControlProcess}) is
 * killed with SIGKILL and then the PostgreSQL they share ({@link PrivatePostgres}, a throwaway
 * cluster) is restarted, {@code -m fast} and {@code -m immediate} (a crash) in turn; several
 * rounds, each a new release in a new application window that opens a second after it is
 * written. The agents ({@link FailoverAgent}, in this JVM, half on each instance) fail over to the
 * surviving instance and record every job they run.
 *
 * <p>The instants are seeded ({@code -Dchaos.seed}): the kill comes when a seeded number of the
 * round's results has been accepted (a wave in flight), the database restart when a later seeded
 * number has; each is accompanied by an empty "probe" window whose opening task falls due at that
 * moment, so scheduler tasks are due while an instance dies and while the database is away.
 *
 * <p>Asserted: every target ends with an outcome (a job result, or skipped with a reason), none
 * stays PLANNED or QUEUED; no target got two jobs; no job was executed twice or lost (executed but
 * not finished, or finished without being executed); every release reaches DONE (the two injected
 * rollbacks per round stay within the failure budget of three); every window opened and closed
 * exactly once (audit rows; the scheduler's task rows done); the audit log has one
 * {@code job.finished} per finished job and one outcome row per target that had a job.
 *
 * <p>The figures go to {@code target/chaos/control-plane.properties} and
 * {@code control-plane-rounds.csv} for {@code scripts/chaos-report}. Run by {@code make chaos}
 * (maven profile {@code chaos}); {@code -Dchaos.cp.rounds} and {@code -Dchaos.cp.servers} size it.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ControlPlaneChaosIT {

    static final int DEFAULT_SERVERS = 40;
    static final int WAVE = 8;
    static final int BUDGET = 3;
    static final int ROLLBACKS_PER_ROUND = 2;
    static final Duration WINDOW = Duration.ofSeconds(90);
    static final Duration PROBE = Duration.ofSeconds(100);
    static final Path RESULTS = Path.of("target", "chaos");
    static final ZoneId ZONE = ZoneId.of("Europe/Brussels");

    private final Object signal = new Object();
    private final List<FailoverAgent.Accepted> accepted = new CopyOnWriteArrayList<>();
    private final Map<String, Set<Long>> rollbacks = new ConcurrentHashMap<>();

    /** One round's plan and measurements. */
    static final class Round {
        int number;
        long release;
        long window;
        final List<Long> probes = new ArrayList<>();
        String victim;
        String pgMode;
        int killAfterResults;
        int restartAfterResults;
        int inFlightAtKill;
        int inFlightAtRestart;
        int dueTasksAtRestart;
        long pgRestartMillis;
        long recoveryAfterKillMillis = -1;
        long recoveryAfterRestartMillis = -1;
        long victimRestartMillis;
        long rolloutMillis;
        String state;
        Map<String, Integer> targets = new LinkedHashMap<>();
        int jobs;
        int redelivered;
    }

    @Test
    void killOneOfTwoInstancesAndRestartPostgres_midRollout_noJobLostNoneRunTwice() throws Exception {
        long seed = Long.getLong("chaos.seed", 20261128L);
        int rounds = Integer.getInteger("chaos.cp.rounds", 3);
        int servers = Integer.getInteger("chaos.cp.servers", DEFAULT_SERVERS);
        Random random = new Random(seed);
        Files.createDirectories(RESULTS);
        long begin = System.nanoTime();
        List<Round> done = new ArrayList<>();
        List<FailoverAgent> agents = new ArrayList<>();
        Map<Long, FailoverAgent> agentOf = new HashMap<>();
        try (PrivatePostgres pg = PrivatePostgres.start();
             Database database = Database.postgres(pg.jdbcUrl(), "postgres", null, 4, Clock.systemUTC())) {
            ApiDependencies deps = ApiDependencies.wire(database, new PasswordHasher(1024, 1, 1), FleetFixtures.DOMAIN,
                    false, Duration.ofHours(1), 5, Duration.ofMinutes(15), null, "steward@" + FleetFixtures.DOMAIN);
            int n = FleetFixtures.next();
            Application app = deps.applications().create(FleetFixtures.SETUP, new Application(0, "wiki" + n, "Wiki " + n,
                    VersionScheme.SEMVER, "1.4.0", Map.of(Tier.STANDARD, new PackageSpec(Tier.STANDARD, 2, 4096, 40),
                            Tier.PLUS, new PackageSpec(Tier.PLUS, 4, 8192, 80))));
            List<Customer> customers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                customers.add(FleetFixtures.customer(deps, i % 2 == 0 ? Language.EN : Language.NL, "chaos"));
            }
            List<Server> fleet = new ArrayList<>();
            for (int i = 0; i < servers; i++) {
                fleet.add(FleetFixtures.server(deps, customers.get(i % customers.size()).id(), app.id(), "prd"));
            }

            ControlProcess[] instances = new ControlProcess[2];
            for (int i = 0; i < 2; i++) {
                int port = PrivatePostgres.freePort();
                Path config = Files.writeString(RESULTS.resolve("control-plane-" + (i + 1) + ".toml"),
                        config(port, pg.jdbcUrl()), StandardCharsets.UTF_8);
                instances[i] = new ControlProcess("control-" + (i + 1), config.toAbsolutePath(), port,
                        RESULTS.resolve("control-plane-" + (i + 1) + ".log"));
            }
            try {
                for (ControlProcess instance : instances) {
                    Files.deleteIfExists(RESULTS.resolve(instance.name().replace("control", "control-plane") + ".log"));
                    instance.start();
                }
                List<URI> bases = List.of(instances[0].base(), instances[1].base());
                long agentDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(13);
                for (int i = 0; i < fleet.size(); i++) {
                    Server server = fleet.get(i);
                    String token = new AgentRepository(database).issueEnrolmentToken(FleetFixtures.SETUP, server.id(),
                            Duration.ofHours(1)).token();
                    ScriptedAgent enrolled = ScriptedAgent.enrol(bases.get(i % 2), token);
                    assertThat(enrolled.heartbeat("1.4.0")).isEqualTo(200);
                    FailoverAgent agent = new FailoverAgent(server.id(), enrolled.credential(), bases, i % 2,
                            this::work, accepted, this::signal);
                    agents.add(agent);
                    agentOf.put(server.id(), agent);
                    Thread.ofVirtual().name("agent-" + server.id()).start(() -> agent.run(agentDeadline));
                }

                PipelineRows rows = new PipelineRows(database);
                for (int r = 0; r < rounds; r++) {
                    try {
                        round(pg, database, rows, app, fleet, instances, agents, random, servers, r, done);
                    } catch (AssertionError | RuntimeException failure) {
                        snapshot(database, "round " + (r + 1) + ": " + failure);
                        throw failure;
                    }
                }

                // Every window (the rollouts' and the probes') closes: then its tasks have all run.
                List<Long> windows = new ArrayList<>();
                for (Round round : done) {
                    windows.add(round.window);
                    windows.addAll(round.probes);
                }
                assertThat(awaitCondition(PROBE.plusSeconds(90), () -> allClosed(database, windows)))
                        .as("every window closed").isTrue();
            } finally {
                agents.forEach(FailoverAgent::stop);
                for (ControlProcess instance : instances) {
                    if (instance != null) {
                        instance.close();
                    }
                }
            }

            Verdict verdict = verify(database, done, agentOf);
            long internalErrors = 0;
            long unavailable = 0;
            for (ControlProcess instance : instances) {
                internalErrors += instance.logLines("internal_error");
                unavailable += instance.logLines("database_unavailable");
            }
            write(seed, servers, done, verdict, agents, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin),
                    internalErrors, unavailable);
            assertThat(verdict.problems()).as("chaos verdict").isEmpty();
            // A database restart is answered 503 database_unavailable (the agent retries elsewhere),
            // not 500 internal_error logged as a bug with its stack (found by this test).
            assertThat(internalErrors).as("internal_error lines in the instances' logs").isZero();
            assertThat(done).hasSize(rounds).allSatisfy(round -> assertThat(round.state).isEqualTo("DONE"));
        }
    }

    /** One round: a release in a new window, a kill, a database restart, the release final, the victim back. */
    private void round(PrivatePostgres pg, Database database, PipelineRows rows, Application app, List<Server> fleet,
                       ControlProcess[] instances, List<FailoverAgent> agents, Random random, int servers, int r,
                       List<Round> done) throws IOException, InterruptedException {
        Round round = new Round();
        round.number = r + 1;
        int victimIndex = random.nextInt(2);
        ControlProcess victim = instances[victimIndex];
        round.victim = victim.name();
        round.pgMode = r % 2 == 0 ? "fast" : "immediate";
        round.killAfterResults = 2 + random.nextInt(servers * 3 / 10);
        round.restartAfterResults = round.killAfterResults + WAVE / 2
                + random.nextInt(Math.max(1, servers * 8 / 10 - round.killAfterResults - WAVE / 2));
        // Mid-wave: not a multiple of the wave size, so part of a wave is still running.
        round.killAfterResults += round.killAfterResults % WAVE == 0 ? 1 : 0;
        round.restartAfterResults += round.restartAfterResults % WAVE == 0 ? 1 : 0;
        long killJitter = random.nextInt(300);
        String version = "1." + (r + 5) + ".0";
        Set<Long> failing = new HashSet<>();
        while (failing.size() < ROLLBACKS_PER_ROUND) {
            failing.add(fleet.get(random.nextInt(fleet.size())).id());
        }
        rollbacks.put(version, failing);
        int baseline = accepted.size();

        Instant start = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        long startNanos = System.nanoTime();
        round.window = rows.window(WindowKind.APP, start, start.plus(WINDOW));
        round.release = rows.release(app.id(), version, "1." + (r + 4) + ".0", "MINOR", false, "", 5, WAVE,
                BUDGET);
        for (Server server : fleet) {
            rows.target(round.release, server.id(), round.window, "PLANNED");
        }
        schedule(database, round.window, start, start.plus(WINDOW));

        // kill -9 one instance once the seeded number of this round's results is in.
        awaitResults(baseline + round.killAfterResults, Duration.ofSeconds(120));
        round.probes.add(probe(database, Instant.now().plusMillis(150)));
        ControlProcess.pause(killJitter);
        round.inFlightAtKill = inFlight(database, round.release);
        long killedAt = System.nanoTime();
        victim.kill9();

        // PostgreSQL restarted when a later seeded number of results is in (a wave in flight).
        awaitResults(baseline + round.restartAfterResults, Duration.ofSeconds(120));
        round.inFlightAtRestart = inFlight(database, round.release);
        Instant restartAt = Instant.now();
        round.probes.add(probe(database, restartAt.plusMillis(200)));
        round.dueTasksAtRestart = dueTasks(database, restartAt.plusMillis(200));
        long restartedAt = System.nanoTime();
        round.pgRestartMillis = pg.restart(round.pgMode);

        assertThat(awaitCondition(Duration.ofSeconds(150), () -> finalState(database, round.release)))
                .as("release %d of round %d reaches a final state", round.release, round.number).isTrue();
        round.rolloutMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        round.recoveryAfterKillMillis = firstAcceptedAfter(killedAt);
        round.recoveryAfterRestartMillis = firstAcceptedAfter(restartedAt);
        round.victimRestartMillis = victim.start();
        agents.forEach(FailoverAgent::returnHome);
        done.add(round);
    }

    /** On a failure: the state of the rollouts, jobs, windows and due tasks, for the post-mortem. */
    private static void snapshot(Database database, String reason) {
        StringBuilder text = new StringBuilder(reason).append('\n');
        try {
            database.jdbi().useHandle(handle -> {
                for (String sql : List.of(
                        "select id, version, state, halt_reason from app_release order by id",
                        "select release_id, state, count(*) as n from release_target group by release_id, state"
                                + " order by release_id, state",
                        "select release_id, state, attempt, count(*) as n from job group by release_id, state, attempt"
                                + " order by release_id, state",
                        "select id, starts_at, ends_at, state from window_occurrence order by id",
                        "select task_name, instance, execute_at, picked_by, picked_until, version, done_at"
                                + " from scheduled_task order by execute_at")) {
                    text.append("\n").append(sql).append('\n');
                    handle.createQuery(sql).mapToMap().forEach(row -> text.append(row).append('\n'));
                }
            });
            Files.writeString(RESULTS.resolve("control-plane-snapshot.txt"), text, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            System.err.println("snapshot failed: " + e + "\n" + text);
        }
    }

    private FailoverAgent.Work work(long serverId, JsonNode job) {
        String id = job.get("id").asText();
        Random perJob = new Random(id.hashCode());
        String version = job.path("payload").path("version").asText("");
        boolean rollback = rollbacks.getOrDefault(version, Set.of()).stream().anyMatch(s -> s == serverId);
        ScriptedAgent.Outcome outcome = rollback ? ScriptedAgent.Outcome.rolledBack("health check: HTTP 500")
                : ScriptedAgent.Outcome.succeeded(Map.of("version", version));
        return new FailoverAgent.Work(200 + perJob.nextInt(800), outcome);
    }

    private void signal() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void awaitResults(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (signal) {
            while (accepted.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + accepted.size() + " results accepted, waited for " + count);
                }
                TimeUnit.NANOSECONDS.timedWait(signal, left);
            }
        }
    }

    private long firstAcceptedAfter(long nanos) {
        return accepted.stream().mapToLong(FailoverAgent.Accepted::atNanos).filter(at -> at > nanos).min()
                .stream().map(at -> TimeUnit.NANOSECONDS.toMillis(at - nanos)).findFirst().orElse(-1);
    }

    /** Waits, looking every 250 ms, until the condition holds (a failing look, e.g. the database away, is false). */
    private static boolean awaitCondition(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException notYet) {
                // the database restarting: look again
            }
            ControlProcess.pause(250);
        }
        return false;
    }

    private static String config(int port, String jdbcUrl) {
        // The fleet's own windows three days from now, so none opens during the test.
        String day = LocalDate.now(ZONE).plusDays(3).getDayOfWeek().name();
        return """
                [server]
                listen = "127.0.0.1:%d"
                [database]
                url = "%s"
                user = "postgres"
                pool_size = 8
                [provider]
                domain = "%s"
                [agents]
                job_lease = "30s"
                [maintenance]
                os_window = "%s 02:00-03:00"
                app_window = "%s 03:00-04:00"
                zone = "Europe/Brussels"
                weeks_ahead = 1
                scheduler_poll_interval = "200ms"
                scheduler_lease = "1m"
                """.formatted(port, jdbcUrl, FleetFixtures.DOMAIN, day, day);
    }

    /** The window's open and close tasks, as the materialiser would schedule them. */
    private static void schedule(Database database, long windowId, Instant start, Instant end) {
        WindowOccurrence occurrence = new WindowOccurrence(WindowKind.APP, start.atZone(ZONE), end.atZone(ZONE));
        database.jdbi().useTransaction(handle -> WindowExecutor.scheduleWindow(handle, windowId, occurrence));
    }

    /**
     * An empty application window whose opening falls due at {@code start} (scheduler work at that
     * moment). It lasts {@link #PROBE}, longer than the scheduler's lease plus its retry delay, so
     * that an opening claimed by the killed instance (taken over when the lease ends) or failed
     * with the database (retried a minute later) still comes before the window's end.
     */
    private static long probe(Database database, Instant start) {
        Instant at = start.truncatedTo(ChronoUnit.MILLIS);
        long id = new PipelineRows(database).window(WindowKind.APP, at, at.plus(PROBE));
        schedule(database, id, at, at.plus(PROBE));
        return id;
    }

    private static int inFlight(Database database, long releaseId) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select count(*) from job where release_id = :release and state in ('DELIVERED', 'RUNNING')
                        """).bind("release", releaseId).mapTo(Integer.class).one());
    }

    private static int dueTasks(Database database, Instant at) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select count(*) from scheduled_task where done_at is null and execute_at <= :at
                        """).bind("at", at).mapTo(Integer.class).one());
    }

    private static boolean finalState(Database database, long releaseId) {
        String state = database.jdbi().withHandle(handle -> handle.createQuery(
                "select state from app_release where id = :id").bind("id", releaseId).mapTo(String.class).one());
        return state.equals("DONE") || state.equals("HALTED");
    }

    private static boolean allClosed(Database database, List<Long> windows) {
        int open = database.jdbi().withHandle(handle -> handle.createQuery("""
                        select count(*) from window_occurrence where id in (<ids>) and state not in ('CLOSED', 'MISSED')
                        """).bindList("ids", windows).mapTo(Integer.class).one());
        return open == 0;
    }

    /** What the checks found: problems (empty when all is well) and the counts for the report. */
    record Verdict(List<String> problems, int jobs, int executed, int duplicates, int lost, int twoJobTargets,
                   int skipped, int redelivered, int tasks, int tasksTakenOver) {
    }

    private static Verdict verify(Database database, List<Round> rounds, Map<Long, FailoverAgent> agents) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> executions = new HashMap<>();
        Map<String, Long> executedBy = new HashMap<>();
        agents.values().forEach(agent -> agent.executions().forEach((job, count) -> {
            executions.merge(job, count, Integer::sum);
            executedBy.put(job, agent.serverId());
        }));
        int duplicates = (int) executions.values().stream().filter(count -> count > 1).count();
        executions.forEach((job, count) -> {
            if (count > 1) {
                problems.add("job " + job + " executed " + count + " times");
            }
        });
        agents.values().forEach(agent -> agent.refusedResults().forEach(refused ->
                problems.add("server " + agent.serverId() + ": result refused: " + refused)));
        int jobsTotal = 0;
        int lost = 0;
        int twoJobs = 0;
        int skipped = 0;
        int redelivered = 0;
        int executed = 0;
        int tasks = 0;
        int takenOver = 0;
        for (Round round : rounds) {
            Map<String, Object> release = database.jdbi().withHandle(handle -> handle.createQuery(
                    "select state, halt_reason from app_release where id = :id").bind("id", round.release).mapToMap().one());
            round.state = String.valueOf(release.get("state"));
            if (!round.state.equals("DONE")) {
                problems.add("release " + round.release + " is " + round.state + " (" + release.get("halt_reason") + ")");
            }
            List<Map<String, Object>> targets = database.jdbi().withHandle(handle -> handle.createQuery("""
                            select server_id, state, detail, job_id from release_target
                            where release_id = :release and stage = 'PRODUCTION' order by server_id
                            """).bind("release", round.release).mapToMap().list());
            int withJob = 0;
            for (Map<String, Object> target : targets) {
                String state = String.valueOf(target.get("state"));
                round.targets.merge(state.toLowerCase(Locale.ROOT), 1, Integer::sum);
                if (state.equals("PLANNED") || state.equals("QUEUED")) {
                    problems.add("release " + round.release + " server " + target.get("server_id") + " stuck " + state);
                    lost++;
                }
                if (state.equals("SKIPPED")) {
                    skipped++;
                    if (target.get("detail") == null) {
                        problems.add("release " + round.release + " server " + target.get("server_id")
                                + " skipped without a reason");
                    }
                }
                if (target.get("job_id") != null && !state.equals("PLANNED") && !state.equals("QUEUED")) {
                    withJob++;
                }
            }
            List<Map<String, Object>> jobs = database.jdbi().withHandle(handle -> handle.createQuery("""
                            select id, server_id, state, attempt from job where release_id = :release order by id
                            """).bind("release", round.release).mapToMap().list());
            round.jobs = jobs.size();
            jobsTotal += jobs.size();
            Map<Long, Integer> perServer = new HashMap<>();
            for (Map<String, Object> job : jobs) {
                String id = String.valueOf(job.get("id"));
                long server = ((Number) job.get("server_id")).longValue();
                String state = String.valueOf(job.get("state"));
                perServer.merge(server, 1, Integer::sum);
                if (((Number) job.get("attempt")).intValue() > 1) {
                    round.redelivered++;
                }
                int ran = executions.getOrDefault(id, 0);
                executed += ran > 0 ? 1 : 0;
                switch (state) {
                    case "SUCCEEDED", "FAILED", "ROLLED_BACK" -> {
                        if (ran == 0) {
                            problems.add("job " + id + " is " + state + " but no agent executed it");
                            lost++;
                        } else if (executedBy.get(id) != server) {
                            problems.add("job " + id + " of server " + server + " executed by " + executedBy.get(id));
                        }
                        int finished = count(database, "job", id, "job.finished");
                        if (finished != 1) {
                            problems.add("job " + id + " has " + finished + " job.finished audit rows");
                        }
                    }
                    case "EXPIRED", "CANCELLED" -> {
                        if (ran > 0) {
                            problems.add("job " + id + " was executed but is " + state + " (its result lost)");
                            lost++;
                        }
                    }
                    default -> {
                        problems.add("job " + id + " still " + state);
                        lost++;
                    }
                }
                if (count(database, "job", id, "job.started") > 1) {
                    problems.add("job " + id + " started twice (audit)");
                }
            }
            redelivered += round.redelivered;
            for (Map.Entry<Long, Integer> entry : perServer.entrySet()) {
                if (entry.getValue() > 1) {
                    twoJobs++;
                    problems.add("release " + round.release + " server " + entry.getKey() + " got " + entry.getValue()
                            + " jobs");
                }
            }
            String releaseId = Long.toString(round.release);
            if (count(database, "release", releaseId, "release.rollout_started") != 1) {
                problems.add("release " + round.release + ": not exactly one release.rollout_started");
            }
            if (round.state.equals("DONE") && count(database, "release", releaseId, "release.done") != 1) {
                problems.add("release " + round.release + ": not exactly one release.done");
            }
            int outcomes = count(database, "release", releaseId, "release.server_finished")
                    + count(database, "release", releaseId, "release.server_rolled_back");
            if (outcomes != withJob) {
                problems.add("release " + round.release + ": " + outcomes + " outcome audit rows for " + withJob
                        + " targets with a job");
            }
            List<Long> windows = new ArrayList<>(round.probes);
            windows.add(round.window);
            for (long window : windows) {
                String id = Long.toString(window);
                for (String action : List.of("window.opened", "window.closed")) {
                    int rows = count(database, "window_occurrence", id, action);
                    if (rows != 1) {
                        problems.add("window " + window + ": " + rows + " " + action + " audit rows");
                    }
                }
                for (String task : List.of(WindowExecutor.OPEN, WindowExecutor.CLOSE)) {
                    Map<String, Object> row = database.jdbi().withHandle(handle -> handle.createQuery("""
                                    select done_at, version from scheduled_task where task_name = :name and instance = :id
                                    """).bind("name", task).bind("id", id).mapToMap().findOne().orElse(null));
                    tasks++;
                    if (row == null || row.get("done_at") == null) {
                        problems.add("task " + task + " " + id + " not done");
                    } else if (((Number) row.get("version")).longValue() > 2) {
                        // Inserted at 0, claimed +1, done +1: more means a claim that died with its
                        // instance was taken over, or a run failed and was retried.
                        takenOver++;
                    }
                }
            }
        }
        return new Verdict(problems, jobsTotal, executed, duplicates, lost, twoJobs, skipped, redelivered, tasks,
                takenOver);
    }

    private static int count(Database database, String entity, String id, String action) {
        return database.jdbi().withHandle(handle -> handle.createQuery("""
                        select count(*) from audit_log where entity_type = :entity and entity_id = :id and action = :action
                        """).bind("entity", entity).bind("id", id).bind("action", action).mapTo(Integer.class).one());
    }

    private void write(long seed, int servers, List<Round> rounds, Verdict verdict, List<FailoverAgent> agents,
                       long seconds, long internalErrors, long unavailable) throws IOException {
        StringBuilder props = new StringBuilder();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("rounds", rounds.size());
        values.put("servers", servers);
        values.put("wave_size", WAVE);
        values.put("failure_budget", BUDGET);
        values.put("rollbacks_per_round", ROLLBACKS_PER_ROUND);
        values.put("window_seconds", WINDOW.toSeconds());
        values.put("seed", seed);
        values.put("instances", 2);
        values.put("kills", rounds.size());
        values.put("pg_restarts", rounds.size());
        values.put("jobs", verdict.jobs());
        values.put("jobs_executed", verdict.executed());
        values.put("results_accepted", accepted.size());
        values.put("duplicates", verdict.duplicates());
        values.put("lost", verdict.lost());
        values.put("targets_with_two_jobs", verdict.twoJobTargets());
        values.put("targets_skipped", verdict.skipped());
        values.put("jobs_redelivered", verdict.redelivered());
        values.put("window_tasks", verdict.tasks());
        values.put("window_tasks_taken_over", verdict.tasksTakenOver());
        values.put("failovers", agents.stream().mapToInt(FailoverAgent::failovers).sum());
        values.put("internal_errors_logged", internalErrors);
        values.put("database_unavailable_answers", unavailable);
        values.put("problems", verdict.problems().size());
        values.put("total_seconds", seconds);
        values.forEach((key, value) -> props.append(key).append('=').append(value).append('\n'));
        Files.writeString(RESULTS.resolve("control-plane.properties"), props, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        lines.add("round,victim,kill_after_results,in_flight_at_kill,recovery_after_kill_ms,pg_mode,restart_after_results,"
                + "in_flight_at_restart,due_tasks_at_restart,pg_restart_ms,recovery_after_restart_ms,victim_restart_ms,"
                + "rollout_ms,jobs,redelivered,state,targets");
        for (Round r : rounds) {
            lines.add(String.join(",", List.of(Integer.toString(r.number), r.victim, Integer.toString(r.killAfterResults),
                    Integer.toString(r.inFlightAtKill), Long.toString(r.recoveryAfterKillMillis), r.pgMode,
                    Integer.toString(r.restartAfterResults), Integer.toString(r.inFlightAtRestart),
                    Integer.toString(r.dueTasksAtRestart), Long.toString(r.pgRestartMillis),
                    Long.toString(r.recoveryAfterRestartMillis), Long.toString(r.victimRestartMillis),
                    Long.toString(r.rolloutMillis), Integer.toString(r.jobs), Integer.toString(r.redelivered),
                    String.valueOf(r.state), r.targets.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .reduce((a, b) -> a + " " + b).orElse(""))));
        }
        Files.writeString(RESULTS.resolve("control-plane-rounds.csv"), String.join("\n", lines) + "\n",
                StandardCharsets.UTF_8);
        Files.writeString(RESULTS.resolve("control-plane-problems.txt"), String.join("\n", verdict.problems()) + "\n",
                StandardCharsets.UTF_8);
    }
}
