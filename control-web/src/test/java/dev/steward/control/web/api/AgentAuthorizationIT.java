package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.Customer;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobSpec;
import dev.steward.control.core.job.JobState;
import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.store.JobRepository;
import dev.steward.control.web.api.TestApi.Auth;
import dev.steward.control.web.api.TestApi.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may use the agent job API: an agent only for its own server's jobs (another server's job is
 * 404, like a missing one); nobody without an agent credential (anonymous, operator and customer
 * tokens and sessions are all 401); and an agent credential is worth nothing on {@code /api/v1}.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class AgentAuthorizationIT {

    /** Every agent endpoint but enrolment, with a body that would be valid. */
    private static List<String[]> agentCalls(String jobId) {
        return List.of(
                new String[] {"POST", "/api/agent/v1/credential/rotate"},
                new String[] {"POST", "/api/agent/v1/heartbeat"},
                new String[] {"GET", "/api/agent/v1/jobs/next"},
                new String[] {"POST", "/api/agent/v1/jobs/" + jobId + "/progress"},
                new String[] {"POST", "/api/agent/v1/jobs/" + jobId + "/result"});
    }

    private static Object body(String path) {
        if (path.endsWith("/heartbeat")) {
            return Map.of("steward_version", "0.1.0", "os", "Debian 12", "kernel", "6.1.0", "uptime_seconds", 1,
                    "queue", Map.of("active", 0, "deferred", 0, "held", 0), "delivered_total", 0, "bounced_total", 0,
                    "free_disk_bytes", 1);
        }
        if (path.endsWith("/progress")) {
            return Map.of("started", true);
        }
        if (path.endsWith("/result")) {
            return Map.of("status", "succeeded", "duration_seconds", 1);
        }
        return null;
    }

    private static String enrolmentToken(TestApi api, Auth operator, long serverId) {
        return api.send("POST", "/api/v1/servers/" + serverId + "/enrolment-tokens", null, operator).json()
                .get("token").asText();
    }

    private static String enqueue(TestApi api, long serverId) {
        return new JobRepository(api.deps.database()).enqueue(new JobSpec(serverId, JobKind.OS_UPDATE, null, null, "{}",
                Instant.now().minusSeconds(1), null, Duration.ofMinutes(5)));
    }

    @TestTemplate
    void agentA_cannotSeeOrReport_agentBsJobs(Database database) {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            long application = api.application().id();
            Server serverA = api.server(customer.id(), application);
            Server serverB = api.server(api.customer().id(), application);
            Auth operator = Auth.bearer(api.token(api.operator()));
            ScriptedAgent agentA = ScriptedAgent.enrol(api.base(), enrolmentToken(api, operator, serverA.id()));
            ScriptedAgent agentB = ScriptedAgent.enrol(api.base(), enrolmentToken(api, operator, serverB.id()));
            String jobOfB = enqueue(api, serverB.id());

            assertThat(agentA.poll(0)).as("A never gets B's job").isEmpty();
            for (String[] call : List.of(new String[] {"progress", "{\"started\":true}"},
                    new String[] {"result", "{\"status\":\"failed\",\"duration_seconds\":1}"})) {
                ScriptedAgent.Reply reply = agentA.send("POST", "/api/agent/v1/jobs/" + jobOfB + "/" + call[0],
                        parse(call[1]));
                assertThat(reply.status()).as(call[0]).isEqualTo(404);
                assertThat(reply.json().get("code").asText()).isEqualTo("not_found");
            }
            JsonNode delivered = agentB.poll(0).orElseThrow();
            assertThat(delivered.get("id").asText()).isEqualTo(jobOfB);
            assertThat(delivered.get("attempt").asInt()).as("A's attempts changed nothing").isEqualTo(1);
            assertThat(agentA.report(jobOfB, ScriptedAgent.Outcome.failed("not mine")).status()).isEqualTo(404);
            assertThat(agentB.report(jobOfB, ScriptedAgent.Outcome.succeeded(Map.of())).status()).isEqualTo(200);
            assertThat(new JobRepository(database).find(jobOfB).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(agentA.send("POST", "/api/agent/v1/jobs/no-such-job/result", parse(
                    "{\"status\":\"failed\",\"duration_seconds\":1}")).status()).isEqualTo(404);
        }
    }

    @TestTemplate
    void withoutAnAgentCredential_everyAgentEndpointIs401(Database database) {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            Server server = api.server(customer.id(), api.application().id());
            Account operatorAccount = api.operator();
            Account customerAccount = api.customerAccount(customer.id());
            String jobId = enqueue(api, server.id());
            List<Auth> callers = List.of(Auth.NONE, Auth.bearer(api.token(operatorAccount)),
                    Auth.bearer(api.token(customerAccount)), api.login(operatorAccount.login()),
                    api.login(customerAccount.login()), Auth.bearer("made-up"));
            List<String> wrong = new ArrayList<>();
            for (Auth caller : callers) {
                for (String[] call : agentCalls(jobId)) {
                    Reply reply = api.send(call[0], call[1], body(call[1]), caller);
                    if (reply.status() != 401 || reply.json() == null || !reply.json().has("code")) {
                        wrong.add(call[0] + " " + call[1] + " as " + caller + ": " + reply.status() + " " + reply.json());
                    }
                }
            }
            assertThat(wrong).isEmpty();
            assertThat(new JobRepository(database).find(jobId).orElseThrow().state()).isEqualTo(JobState.QUEUED);
            Reply basic = api.send("GET", "/api/agent/v1/jobs/next", null, Auth.NONE);
            assertThat(basic.json().get("code").asText()).isEqualTo("unauthenticated");
        }
    }

    @TestTemplate
    void agentCredential_isWorthNothingOnTheAccountApi(Database database) {
        try (TestApi api = new TestApi(database)) {
            Customer customer = api.customer();
            Server server = api.server(customer.id(), api.application().id());
            Auth operator = Auth.bearer(api.token(api.operator()));
            ScriptedAgent agent = ScriptedAgent.enrol(api.base(), enrolmentToken(api, operator, server.id()));
            Auth asAgent = Auth.bearer(agent.credential());
            for (String[] call : List.of(new String[] {"GET", "/api/v1/servers"},
                    new String[] {"GET", "/api/v1/servers/" + server.id()},
                    new String[] {"GET", "/api/v1/servers/" + server.id() + "/agent-status"},
                    new String[] {"POST", "/api/v1/servers/" + server.id() + "/enrolment-tokens"},
                    new String[] {"GET", "/api/v1/session"})) {
                Reply reply = api.send(call[0], call[1], null, asAgent);
                assertThat(reply.status()).as(call[1]).isEqualTo(401);
                assertThat(reply.json().get("code").asText()).isEqualTo("invalid_token");
            }
            // Customers cannot issue enrolment tokens or read agent status, even for their own server.
            Auth own = Auth.bearer(api.token(api.customerAccount(customer.id())));
            assertThat(api.send("POST", "/api/v1/servers/" + server.id() + "/enrolment-tokens", null, own).status())
                    .isEqualTo(403);
            assertThat(api.send("GET", "/api/v1/servers/" + server.id() + "/agent-status", null, own).status())
                    .isEqualTo(403);
            assertThat(api.send("POST", "/api/v1/servers/999999/enrolment-tokens", null, operator).status())
                    .isEqualTo(404);
            assertThat(api.send("GET", "/api/v1/servers/" + server.id() + "/agent-status", null, operator).json()
                    .get("message").asText()).contains("has not sent a heartbeat");
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
