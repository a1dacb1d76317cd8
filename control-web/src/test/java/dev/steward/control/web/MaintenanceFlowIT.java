package dev.steward.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobState;
import dev.steward.control.core.release.ReleaseState;
import dev.steward.control.core.release.TargetStage;
import dev.steward.control.core.release.TargetState;
import dev.steward.control.store.Account;
import dev.steward.control.store.AgentRepository;
import dev.steward.control.store.AuditEntry;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.store.JobRepository;
import dev.steward.control.store.MovableClock;
import dev.steward.control.store.ReleaseTarget;
import dev.steward.control.web.api.AgentApiSettings;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.api.ScriptedAgent;
import dev.steward.control.web.auth.PasswordHasher;
import dev.steward.control.web.notify.ParsedNotice;
import dev.steward.control.web.notify.SmtpSubmission;
import dev.steward.control.web.ui.UiSettings;
import dev.steward.testkit.ReceivedMessage;
import dev.steward.testkit.RecordingSmtpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 7 end to end, on both databases, through the real parts: two control-plane instances
 * (each a {@link ControlServer} on its own port with its own {@link MaintenanceRuntime}, as
 * {@link ControlMain} wires it, on one database and one clock the test moves), scripted agents
 * talking HTTP to either instance, and a recording SMTP server in the relay's place.
 *
 * <p>A minor release is registered through the API, installed on the test server by its agent,
 * soaks, is planned by the scheduler (both instances run their due tasks at the same moment; the
 * work is done once) with one notice per customer, received and parsed: language, the window in
 * the customer's zone, versions, and an .ics whose event is the window. The OS window then runs an
 * OS update on every server; the application window runs the first wave; a server rolls back, the
 * failure budget (0) halts the rollout, the rest is skipped, the rollback is reported. Every job
 * ran once. Across the October change: the window is 169 real hours after the notices' Monday.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(300)
class MaintenanceFlowIT {

    static final String DOMAIN = FleetFixtures.DOMAIN;
    static final Actor SETUP = FleetFixtures.SETUP;
    static final ObjectMapper JSON = new ObjectMapper();
    // Friday 2026-10-16 10:00 UTC (12:00 in Brussels, summer time; the change is Sunday 2026-10-25).
    static final Instant T0 = Instant.parse("2026-10-16T10:00:00Z");

    record Instance(ApiDependencies deps, MaintenanceRuntime runtime, ControlServer server) implements AutoCloseable {
        URI base() {
            return URI.create("http://127.0.0.1:" + server.port());
        }

        @Override
        public void close() {
            server.close();
        }
    }

    @TestTemplate
    void release_testSoakPlanNotices_osAndAppWindows_rollbackHaltsTheRollout(Database database) throws Exception {
        MovableClock clock = new MovableClock(T0);
        try (RecordingSmtpServer relay = RecordingSmtpServer.startPlain();
             Instance one = instance(database, clock, relay, "flow-1");
             Instance two = instance(database, clock, relay, "flow-2")) {
            ApiDependencies deps = one.deps();
            int n = FleetFixtures.next();
            Application app = deps.applications().create(SETUP, new Application(0, "wiki" + n, "Wiki " + n,
                    VersionScheme.SEMVER, "1.4.0", Map.of(Tier.STANDARD, new PackageSpec(Tier.STANDARD, 2, 4096, 40),
                            Tier.PLUS, new PackageSpec(Tier.PLUS, 4, 8192, 80))));
            Customer provider = FleetFixtures.customer(deps, Language.EN, "provider");
            Customer dutch = FleetFixtures.customer(deps, Language.NL, "nl");
            Customer english = FleetFixtures.customer(deps, Language.EN, "en");
            Server test = FleetFixtures.server(deps, provider.id(), app.id(), "tst");
            List<Server> production = List.of(FleetFixtures.server(deps, dutch.id(), app.id(), "prd"),
                    FleetFixtures.server(deps, dutch.id(), app.id(), "prd"),
                    FleetFixtures.server(deps, english.id(), app.id(), "prd"),
                    FleetFixtures.server(deps, english.id(), app.id(), "prd"));

            // Agents, half of them on each instance. Every production server but the first rolls back.
            Map<Long, ScriptedAgent> agents = new HashMap<>();
            List<Server> all = new ArrayList<>(production);
            all.addFirst(test);
            for (int i = 0; i < all.size(); i++) {
                Server server = all.get(i);
                String token = new AgentRepository(database).issueEnrolmentToken(SETUP, server.id(),
                        Duration.ofHours(1)).token();
                ScriptedAgent agent = ScriptedAgent.enrol((i % 2 == 0 ? one : two).base(), token)
                        .onKind(JobKind.OS_UPDATE, ScriptedAgent.Outcome.succeeded(Map.of("packages_upgraded", 12,
                                "reboot", true, "downtime_seconds", 41)));
                if (server.role().name().equals("PRODUCTION") && !server.equals(production.getFirst())) {
                    agent.onKind(JobKind.APP_UPDATE, ScriptedAgent.Outcome.rolledBack("health check: HTTP 500"));
                }
                agents.put(server.id(), agent);
            }

            // The operator registers the release through the API: wave size 2, no failure allowed.
            Account operator = deps.admin().create(SETUP, "op" + n + "@" + DOMAIN, Account.Role.OPERATOR, null,
                    "correct horse battery staple");
            String apiToken = deps.admin().createToken(SETUP, operator.id(), "flow", null).token();
            JsonNode registered = post(one.base(), apiToken, "/api/v1/releases", Map.of("application_id", app.id(),
                    "version", "1.5.0", "changelog", "New reports", "steps_before", "Export your reports",
                    "steps_after", "Check the dashboards", "wave_size", 2, "failure_budget", 0));
            long releaseId = registered.get("id").asLong();
            assertThat(registered.get("state").asText()).isEqualToIgnoringCase("TESTING");

            // Stage 1: the test server's agent installs it; green → soaking.
            assertThat(agents.get(test.id()).runAll(0)).isEqualTo(1);
            assertThat(state(deps, releaseId)).isEqualTo(ReleaseState.SOAKING);

            // A day and an hour later both instances run their due tasks at once: the rollout is
            // planned once and one notice per customer goes out (the provider has no production server).
            clock.advance(Duration.ofHours(25));
            runDueOnBoth(one, two);
            assertThat(state(deps, releaseId)).isEqualTo(ReleaseState.PLANNED);
            // Seven messages: the DKIM record notice of each enrolled server (DNS-3: the agent sent its
            // public key) and the two maintenance notices.
            List<ReceivedMessage> received = relay.awaitMessages(7, Duration.ofSeconds(30));
            List<ReceivedMessage> mail = received.stream()
                    .filter(message -> message.contentAsString().contains("maintenance.ics")).toList();
            assertThat(mail).hasSize(2);
            Map<String, ParsedNotice> notices = mail.stream().collect(Collectors.toMap(
                    message -> message.recipients().getFirst(), message -> ParsedNotice.of(message.content())));
            // Sent Saturday 2026-10-17 11:00 UTC; 168 h later is Saturday 2026-10-24 11:00 UTC, so the
            // window is Monday 2026-10-26 07:00 CET (06:00 UTC), after the change to winter time.
            ParsedNotice toDutch = notices.get(dutch.contacts().getFirst());
            assertThat(toDutch.subject()).isEqualTo("Gepland onderhoud: update van Wiki " + n
                    + " naar versie 1.5.0 op maandag 26 oktober 2026");
            assertThat(toDutch.text()).contains("1.4.0", "1.5.0", "07:00", "Export your reports",
                    production.get(0).appHost(), production.get(1).appHost());
            ParsedNotice toEnglish = notices.get(english.contacts().getFirst());
            assertThat(toEnglish.subject()).isEqualTo("Planned maintenance: Wiki " + n
                    + " will be updated to version 1.5.0 on Monday 26 October 2026");
            for (ParsedNotice notice : notices.values()) {
                String ics = notice.ics();
                assertThat(ics).startsWith("BEGIN:VCALENDAR\r\n").endsWith("END:VCALENDAR\r\n")
                        .contains("\r\nDTSTART:20261026T060000Z\r\n", "\r\nDTEND:20261026T080000Z\r\n",
                                "\r\nUID:release-" + releaseId + "-customer-");
                assertThat(ics.split("\r\n")).allSatisfy(line ->
                        assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(75));
            }
            assertThat(deps.pipeline().releases().targets(releaseId)).filteredOn(t -> t.stage() == TargetStage.PRODUCTION)
                    .hasSize(4).allSatisfy(target -> {
                        assertThat(target.state()).isEqualTo(TargetState.PLANNED);
                        assertThat(target.startsAt()).isEqualTo(Instant.parse("2026-10-26T06:00:00Z"));
                    });

            // Monday 2026-10-19 05:00 CEST: the first OS window after planning; every server updates once.
            clock.set(Instant.parse("2026-10-19T03:00:00Z"));
            runDueOnBoth(one, two);
            for (ScriptedAgent agent : agents.values()) {
                assertThat(agent.runAll(0)).isEqualTo(1);
            }
            // The application window of 2026-10-19 has nothing of this release (it is planned a week later).
            clock.set(Instant.parse("2026-10-19T05:00:00Z"));
            runDueOnBoth(one, two);
            assertThat(agents.values().stream().mapToInt(agent -> agent.runAll(0)).sum()).isZero();

            // Monday 2026-10-26 07:00 CET: the application window; the first wave of two.
            clock.set(Instant.parse("2026-10-26T06:00:00Z"));
            runDueOnBoth(one, two);
            int ran = 0;
            for (Server server : production) {
                ran += agents.get(server.id()).runAll(0);
            }
            // One wave of two was queued; a rollback in it halts the rollout (a job of the wave not yet
            // handed out when that happened is cancelled, so one or two jobs ran).
            assertThat(ran).isBetween(1, 2);
            assertThat(state(deps, releaseId)).isEqualTo(ReleaseState.HALTED);
            JobRepository appJobs = new JobRepository(database);
            assertThat(production.stream().flatMap(server -> appJobs.forServer(server.id(), 50).stream())
                    .filter(job -> job.kind() == JobKind.APP_UPDATE).toList())
                    .as("no second wave after the halt").hasSize(2)
                    .allSatisfy(job -> assertThat(job.attempt()).isLessThanOrEqualTo(1));
            Map<TargetState, Long> states = new EnumMap<>(TargetState.class);
            List<ReleaseTarget> targets = deps.pipeline().releases().targets(releaseId).stream()
                    .filter(t -> t.stage() == TargetStage.PRODUCTION).toList();
            targets.forEach(t -> states.merge(t.state(), 1L, Long::sum));
            assertThat(states.getOrDefault(TargetState.ROLLED_BACK, 0L)).isGreaterThanOrEqualTo(1);
            assertThat(states.keySet()).as("nothing left to run")
                    .doesNotContain(TargetState.PLANNED, TargetState.QUEUED, TargetState.NOTICE_BLOCKED);
            assertThat(states.getOrDefault(TargetState.SKIPPED, 0L)).isEqualTo(4 - ran);
            assertThat(targets).filteredOn(t -> t.state() == TargetState.ROLLED_BACK)
                    .allSatisfy(t -> assertThat(t.detail()).contains("health check: HTTP 500"));
            assertThat(deps.audit().forEntity("release", releaseId)).extracting(AuditEntry::action)
                    .contains("release.server_rolled_back");

            // Every job ran once: one OS job per server, one application job per server that got one.
            JobRepository jobs = new JobRepository(database);
            for (Server server : all) {
                List<Job> history = jobs.forServer(server.id(), 50);
                assertThat(history).filteredOn(job -> job.kind() == JobKind.OS_UPDATE).singleElement()
                        .extracting(Job::state).isEqualTo(JobState.SUCCEEDED);
                assertThat(history).filteredOn(job -> job.kind() == JobKind.APP_UPDATE).hasSizeLessThanOrEqualTo(1);
            }
            // The OS result reads back as the agent reported it: packages, reboot, downtime.
            JsonNode osJob = get(two.base(), apiToken, "/api/v1/servers/" + test.id() + "/jobs").get("items")
                    .valueStream().filter(job -> job.get("kind").asText().equals("os_update")).findFirst().orElseThrow();
            assertThat(osJob.get("summary").get("packages_upgraded").asInt()).isEqualTo(12);
            assertThat(osJob.get("summary").get("reboot").asBoolean()).isTrue();
            assertThat(osJob.get("summary").get("downtime_seconds").asLong()).isEqualTo(41);
        }
    }

    /** Both instances run their due tasks at the same moment. */
    private static void runDueOnBoth(Instance one, Instance two) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> first = pool.submit(() -> runUntilIdle(one));
            Future<Integer> second = pool.submit(() -> runUntilIdle(two));
            first.get();
            second.get();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs due tasks until none is due (a task may make another due at the same instant). */
    private static int runUntilIdle(Instance instance) {
        int total = 0;
        for (int round = 0; round < 20; round++) {
            int ran = instance.runtime().scheduler().runDue();
            total += ran;
            if (ran == 0) {
                return total;
            }
        }
        return total;
    }

    private static Instance instance(Database database, MovableClock clock, RecordingSmtpServer relay, String name) {
        ApiDependencies wired = ApiDependencies.wire(database, new PasswordHasher(1024, 1, 1), DOMAIN, false,
                Duration.ofHours(1), 5, Duration.ofMinutes(15), SmtpSubmission.to(relay.host(), relay.port(), DOMAIN),
                "steward@" + DOMAIN);
        ApiDependencies deps = wired.withPipeline(ApiDependencies.pipeline(database, wired.customers(),
                wired.maintenance(), wired.maintenanceNotices(), clock, Duration.ofHours(24)));
        MaintenanceRuntime runtime = MaintenanceRuntime.wire(database, deps, ControlConfig.Maintenance.DEFAULT,
                Duration.ofMinutes(5), clock, name);
        ControlServer server = new ControlServer(deps, UiSettings.defaults(),
                AgentApiSettings.defaults().withListener(runtime.outcomes()).withClock(clock)).start("127.0.0.1", 0);
        return new Instance(deps, runtime, server);
    }

    private static ReleaseState state(ApiDependencies deps, long releaseId) {
        return deps.pipeline().releases().find(releaseId).orElseThrow().state();
    }

    private static JsonNode post(URI base, String token, String path, Map<String, Object> body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private static JsonNode get(URI base, String token, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
