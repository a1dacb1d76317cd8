package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.Customer;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.job.JobState;
import dev.steward.control.store.AuditEntry;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.store.JobOutcomeListener;
import dev.steward.control.store.JobRepository;
import dev.steward.control.store.MovableClock;
import dev.steward.control.web.api.TestApi.Auth;
import dev.steward.control.web.api.TestApi.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent job API on a real port, driven by {@link ScriptedAgent}: enrolment, heartbeats, long
 * polls, progress, results exactly once, lease expiry, the cut-off, and two control-plane
 * instances on one database.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(180)
class AgentApiIT {

    /** Counts the outcome listener's calls per job (shared by both instances in the two-instance test). */
    static final class Outcomes implements JobOutcomeListener {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public void finished(Handle handle, Job job) {
            calls.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
        }

        int count(String id) {
            AtomicInteger count = calls.get(id);
            return count == null ? 0 : count.get();
        }
    }

    private record World(TestApi api, MovableClock clock, Outcomes outcomes, Auth operator, Server server) {

        String token() {
            Reply reply = api.send("POST", "/api/v1/servers/" + server.id() + "/enrolment-tokens", null, operator);
            assertThat(reply.status()).as(String.valueOf(reply.json())).isEqualTo(201);
            return reply.json().get("token").asText();
        }

        ScriptedAgent agent() {
            return ScriptedAgent.enrol(api.base(), token());
        }

        String enqueue(JobKind kind, String payload, Duration notBeforeIn, Duration latestStartIn) {
            Instant now = clock.instant();
            return new JobRepository(api.deps.database()).enqueue(new JobSpec(server.id(), kind, null, null, payload,
                    now.plus(notBeforeIn), latestStartIn == null ? null : now.plus(latestStartIn), Duration.ofMinutes(5)));
        }

        Job job(String id) {
            return new JobRepository(api.deps.database()).find(id).orElseThrow();
        }
    }

    private static World world(TestApi api, MovableClock clock, Outcomes outcomes) {
        Customer customer = api.customer();
        return new World(api, clock, outcomes, Auth.bearer(api.token(api.operator())),
                api.server(customer.id(), api.application().id()));
    }

    private static AgentApiSettings settings(MovableClock clock, Outcomes outcomes) {
        return AgentApiSettings.defaults().withClock(clock).withListener(outcomes);
    }

    @TestTemplate
    void scriptedAgent_enrols_heartbeats_runsJobs_resultsStoredOnce(Database database) {
        MovableClock clock = new MovableClock();
        Outcomes outcomes = new Outcomes();
        try (TestApi api = new TestApi(database, settings(clock, outcomes))) {
            World w = world(api, clock, outcomes);
            ScriptedAgent agent = w.agent()
                    .onKind(JobKind.OS_UPDATE, ScriptedAgent.Outcome.succeeded(Map.of("packages", 12, "reboot", true,
                            "downtime_seconds", 48)))
                    .onPayload("target_version", "2.0.0", ScriptedAgent.Outcome.rolledBack("migration 42 failed"));
            assertThat(agent.serverId()).isEqualTo(w.server().id());
            // The DKIM key arrived as PEM (Ed25519 SPKI) and is stored as the raw key's base64 (44 characters).
            Server enrolled = api.deps.servers().get(w.server().id());
            assertThat(enrolled.dkimSelector()).isEqualTo("nexx");
            assertThat(enrolled.dkimPublicKey()).hasSize(44);

            assertThat(agent.heartbeat("1.0.0")).isEqualTo(200);
            Reply status = api.send("GET", "/api/v1/servers/" + w.server().id() + "/agent-status", null, w.operator());
            assertThat(status.status()).isEqualTo(200);
            assertThat(status.json().get("installed_version").asText()).isEqualTo("1.0.0");
            assertThat(status.json().at("/queue/deferred").asInt()).isZero();
            assertThat(status.json().get("reported_at").asText()).isEqualTo(clock.instant().toString());
            assertThat(api.deps.servers().get(w.server().id()).kernel()).isEqualTo("6.1.0-18-amd64");

            String os = w.enqueue(JobKind.OS_UPDATE, "{\"upgrade\":\"full\"}", Duration.ZERO, null);
            String app = w.enqueue(JobKind.APP_UPDATE, "{\"target_version\":\"2.0.0\"}", Duration.ZERO, null);
            assertThat(agent.runAll(0)).isEqualTo(2);
            assertThat(agent.handled()).extracting(job -> job.get("id").asText()).containsExactly(os, app);

            Job osJob = w.job(os);
            assertThat(osJob.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(osJob.startedAt()).isNotNull();
            JsonNode osResult = agent.handled().getFirst().get("result");
            assertThat(osResult.at("/details/reboot").asBoolean()).isTrue();
            assertThat(osResult.at("/details/packages").asInt()).isEqualTo(12);
            assertThat(osResult.at("/health/ok").asBoolean()).isTrue();
            assertThat(w.job(app).state()).isEqualTo(JobState.ROLLED_BACK);
            assertThat(agent.handled().get(1).at("/result/details/error").asText()).isEqualTo("migration 42 failed");
            assertThat(outcomes.count(os)).isEqualTo(1);
            assertThat(outcomes.count(app)).isEqualTo(1);

            // The same result again: 200, repeated, the stored outcome; a different one: 409.
            ScriptedAgent.Reply again = agent.report(os, ScriptedAgent.Outcome.succeeded(Map.of("reboot", true,
                    "packages", 12, "downtime_seconds", 48)));
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().get("repeated").asBoolean()).isTrue();
            assertThat(again.json().at("/job/state").asText()).isEqualTo("succeeded");
            ScriptedAgent.Reply different = agent.report(os, ScriptedAgent.Outcome.failed("no"));
            assertThat(different.status()).isEqualTo(409);
            assertThat(different.json().get("code").asText()).isEqualTo("job_already_finished");
            assertThat(different.json().at("/details/state").asText()).isEqualTo("succeeded");
            assertThat(agent.progress(os, false, "late").status()).isEqualTo(409);
            assertThat(outcomes.count(os)).isEqualTo(1);
            assertThat(api.deps.audit().forEntity("job", os)).extracting(AuditEntry::action)
                    .containsExactly("job.delivered", "job.started", "job.finished");
            assertThat(api.deps.audit().forEntity("server", w.server().id())).extracting(AuditEntry::action)
                    .contains("agent.enrolment_token_issued", "agent.enrolled", "server.dkim_key_set", "server.reported");
        }
    }

    @TestTemplate
    void enrolment_refusals_areClear_andChangeNothing(Database database) {
        MovableClock clock = new MovableClock();
        try (TestApi api = new TestApi(database, settings(clock, new Outcomes()))) {
            World w = world(api, clock, new Outcomes());
            String token = w.token();
            ScriptedAgent agent = ScriptedAgent.enrol(api.base(), token);

            Reply used = api.send("POST", "/api/agent/v1/enrol", Map.of("token", token,
                    "dkim_public_key", ScriptedAgent.newDkimKeyPem()), Auth.NONE);
            assertThat(used.status()).isEqualTo(403);
            assertThat(used.json().get("code").asText()).isEqualTo("enrolment_token_used");
            assertThat(used.json().get("message").asText()).contains("already used");
            Reply unknown = api.send("POST", "/api/agent/v1/enrol", Map.of("token", "nope",
                    "dkim_public_key", ScriptedAgent.newDkimKeyPem()), Auth.NONE);
            assertThat(unknown.json().get("code").asText()).isEqualTo("enrolment_token_unknown");
            String shortLived = api.send("POST", "/api/v1/servers/" + w.server().id() + "/enrolment-tokens",
                    Map.of("valid_for_hours", 1), w.operator()).json().get("token").asText();
            clock.advance(Duration.ofMinutes(61));
            Reply expired = api.send("POST", "/api/agent/v1/enrol", Map.of("token", shortLived,
                    "dkim_public_key", ScriptedAgent.newDkimKeyPem()), Auth.NONE);
            assertThat(expired.status()).isEqualTo(403);
            assertThat(expired.json().get("code").asText()).isEqualTo("enrolment_token_expired");
            assertThat(expired.json().at("/details/reason").asText()).isEqualTo("expired");

            // A bad key is refused before the token is spent.
            String fresh = w.token();
            Reply badKey = api.send("POST", "/api/agent/v1/enrol", Map.of("token", fresh, "dkim_public_key", "not a key"),
                    Auth.NONE);
            assertThat(badKey.status()).isEqualTo(400);
            assertThat(badKey.json().at("/details/field").asText()).isEqualTo("dkim_public_key");
            assertThat(ScriptedAgent.enrol(api.base(), fresh).serverId()).isEqualTo(w.server().id());
            assertThat(agent.heartbeat("1.0.0")).as("re-enrolment revoked the first credential").isEqualTo(401);
            Reply tooLong = api.send("POST", "/api/v1/servers/" + w.server().id() + "/enrolment-tokens",
                    Map.of("valid_for_hours", 721), w.operator());
            assertThat(tooLong.status()).isEqualTo(400);
        }
    }

    @TestTemplate
    void longPoll_waitsForAJob_204WhenNoneArrives_boundedWait(Database database) throws Exception {
        MovableClock clock = new MovableClock();
        try (TestApi api = new TestApi(database, settings(clock, new Outcomes()))) {
            World w = world(api, clock, new Outcomes());
            ScriptedAgent agent = w.agent();

            long started = System.nanoTime();
            assertThat(agent.poll(1)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(agent.send("GET", "/api/agent/v1/jobs/next?wait=31", null).status()).isEqualTo(400);
            assertThat(agent.send("GET", "/api/agent/v1/jobs/next?wait=soon", null).status()).isEqualTo(400);

            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                long before = System.nanoTime();
                Future<Optional<JsonNode>> polling = pool.submit(() -> agent.poll(20));
                String id = w.enqueue(JobKind.BENCHMARK, "{}", Duration.ZERO, null);
                JsonNode job = polling.get(25, TimeUnit.SECONDS).orElseThrow();
                assertThat(job.get("id").asText()).isEqualTo(id);
                assertThat(job.get("kind").asText()).isEqualTo("benchmark");
                assertThat(job.get("attempt").asInt()).isEqualTo(1);
                assertThat(job.get("lease_until").asText()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)).toString());
                assertThat(Duration.ofNanos(System.nanoTime() - before)).as("answered on arrival, not at the end of the wait")
                        .isLessThan(Duration.ofSeconds(10));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @TestTemplate
    void leaseRunsOut_redelivered_cutOffExpires_resultForExpiredIs409(Database database) {
        MovableClock clock = new MovableClock();
        Outcomes outcomes = new Outcomes();
        try (TestApi api = new TestApi(database, settings(clock, outcomes))) {
            World w = world(api, clock, outcomes);
            ScriptedAgent agent = w.agent();
            String leased = w.enqueue(JobKind.OS_UPDATE, "{}", Duration.ZERO, Duration.ofMinutes(30));
            assertThat(agent.poll(0).orElseThrow().get("attempt").asInt()).isEqualTo(1);
            assertThat(agent.poll(0)).as("leased").isEmpty();
            clock.advance(Duration.ofMinutes(6));
            JsonNode again = agent.poll(0).orElseThrow();
            assertThat(again.get("id").asText()).isEqualTo(leased);
            assertThat(again.get("attempt").asInt()).isEqualTo(2);

            String late = w.enqueue(JobKind.APP_UPDATE, "{\"target_version\":\"1.1.0\"}", Duration.ZERO,
                    Duration.ofMinutes(2));
            clock.advance(Duration.ofMinutes(3));
            assertThat(agent.poll(0)).as("past its latest start").isEmpty();
            assertThat(w.job(late).state()).isEqualTo(JobState.EXPIRED);
            assertThat(outcomes.count(late)).isEqualTo(1);
            ScriptedAgent.Reply result = agent.report(late, ScriptedAgent.Outcome.succeeded(Map.of()));
            assertThat(result.status()).isEqualTo(409);
            assertThat(result.json().get("code").asText()).isEqualTo("job_expired");
            assertThat(result.json().at("/details/reason").asText()).contains("latest start");

            // The leased job was delivered at +6 min: starting it at +37 min (after its latest start) is refused.
            clock.advance(Duration.ofMinutes(28));
            ScriptedAgent.Reply start = agent.progress(leased, true, "starting");
            assertThat(start.status()).isEqualTo(409);
            assertThat(start.json().get("code").asText()).isEqualTo("job_expired");
            assertThat(outcomes.count(leased)).isEqualTo(1);
        }
    }

    @TestTemplate
    void rotate_newCredentialWorks_oldIsRefused(Database database) {
        try (TestApi api = new TestApi(database, settings(new MovableClock(), new Outcomes()))) {
            World w = world(api, new MovableClock(), new Outcomes());
            ScriptedAgent agent = w.agent();
            String old = agent.credential();
            agent.rotate();
            assertThat(agent.credential()).isNotEqualTo(old);
            assertThat(agent.heartbeat("1.0.0")).isEqualTo(200);
            Reply withOld = api.send("POST", "/api/agent/v1/credential/rotate", null, Auth.bearer(old));
            assertThat(withOld.status()).isEqualTo(401);
            assertThat(withOld.json().get("code").asText()).isEqualTo("invalid_credential");
        }
    }

    /**
     * Two control-plane instances (own pools, own servers) on one database: an agent long polls on
     * both at once; the job is delivered once, and its result reported through both at once is
     * accepted once (the listener, shared, is called once).
     */
    @TestTemplate
    void twoInstances_concurrentLongPolls_deliveredOnce_resultAcceptedOnce(DatabaseExtension.TestDatabase test)
            throws Exception {
        MovableClock clock = new MovableClock();
        Outcomes outcomes = new Outcomes();
        try (TestApi a = new TestApi(test.database(), settings(clock, outcomes));
             TestApi b = new TestApi(test.openAnother(4), settings(clock, outcomes))) {
            World w = world(a, clock, outcomes);
            ScriptedAgent agentA = w.agent();
            ScriptedAgent agentB = agentOn(b, agentA);
            assertThat(agentB.heartbeat("1.0.0")).as("the credential works on the other instance").isEqualTo(200);

            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (int round = 0; round < 3; round++) {
                    CountDownLatch polling = new CountDownLatch(2);
                    List<Future<Optional<JsonNode>>> polls = new ArrayList<>();
                    for (ScriptedAgent agent : List.of(agentA, agentB)) {
                        polls.add(pool.submit(() -> {
                            polling.countDown();
                            return agent.poll(3);
                        }));
                    }
                    polling.await();
                    String id = w.enqueue(JobKind.OS_UPDATE, "{}", Duration.ZERO, null);
                    List<JsonNode> delivered = new ArrayList<>();
                    for (Future<Optional<JsonNode>> poll : polls) {
                        poll.get(30, TimeUnit.SECONDS).ifPresent(delivered::add);
                    }
                    assertThat(delivered).as("round " + round).hasSize(1);
                    assertThat(delivered.getFirst().get("id").asText()).isEqualTo(id);

                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<ScriptedAgent.Reply>> reports = new ArrayList<>();
                    for (ScriptedAgent agent : List.of(agentA, agentB)) {
                        Callable<ScriptedAgent.Reply> report = () -> {
                            go.await();
                            return agent.report(id, ScriptedAgent.Outcome.succeeded(Map.of("reboot", false)));
                        };
                        reports.add(pool.submit(report));
                    }
                    go.countDown();
                    List<Boolean> repeated = new ArrayList<>();
                    for (Future<ScriptedAgent.Reply> report : reports) {
                        ScriptedAgent.Reply reply = report.get(30, TimeUnit.SECONDS);
                        assertThat(reply.status()).isEqualTo(200);
                        repeated.add(reply.json().get("repeated").asBoolean());
                    }
                    assertThat(repeated).containsExactlyInAnyOrder(false, true);
                    assertThat(outcomes.count(id)).isEqualTo(1);
                    assertThat(a.deps.audit().forEntity("job", id)).extracting(AuditEntry::action)
                            .containsExactly("job.delivered", "job.finished");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** The same agent (same credential) talking to another instance. */
    private static ScriptedAgent agentOn(TestApi instance, ScriptedAgent agent) {
        return ScriptedAgent.withCredential(instance.base(), agent.serverId(), agent.credential());
    }
}
