package dev.steward.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.steward.agent.os.AptOsUpdateExecutor;
import dev.steward.agent.os.OsUpdateConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's semantics against a scripted control plane (JDK HttpServer): what is removed, what
 * is kept for later, what is moved aside; and a job interrupted by a stop is reported failed after
 * the restart.
 */
class AgentDaemonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private HttpServer server;
    private final Map<String, String[]> answers = new ConcurrentHashMap<>(); // job id -> status, body
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private AgentDaemon agent;

    @BeforeEach
    void scriptedControlPlane() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/agent/v1/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/result")) {
                String id = path.split("/")[5];
                reported.add(id);
                String[] answer = answers.getOrDefault(id, new String[] {"500", "{\"code\":\"internal\"}"});
                reply(exchange, Integer.parseInt(answer[0]), answer[1]);
            } else if (path.endsWith("/jobs/next")) {
                reply(exchange, 204, null);
            } else {
                reply(exchange, 200, "{}");
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        server.stop(0);
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private AgentConfig config() throws Exception {
        return AgentConfig.parse("agent.toml", """
                [control]
                url = "http://127.0.0.1:%d"
                heartbeat_interval = "100ms"
                poll_wait = "1s"
                request_timeout = "5s"
                [agent]
                state_directory = "%s"
                recipes_directory = "%s"
                """.formatted(server.getAddress().getPort(), temp.resolve("state"), temp.resolve("apps")));
    }

    private AgentDaemon start(AgentConfig config) throws IOException {
        new Credential(7, "cln007-prd-app001.hosting.example", "secret", Instant.now()).write(config.credentialFile());
        AgentDaemon daemon = new AgentDaemon(config, AgentDaemon.NO_RELAY, HostFacts.system(),
                new AptOsUpdateExecutor(OsUpdateConfig.builder(config.osStateDirectory()).build(), Clock.systemUTC()),
                Clock.systemUTC());
        daemon.start();
        return daemon;
    }

    private static ObjectNode result(String status) {
        ObjectNode body = JSON.createObjectNode().put("status", status).put("duration_seconds", 1);
        body.putNull("health");
        body.putObject("details");
        return body;
    }

    @Test
    void spooledResults_areRemovedOnlyWhenAcknowledged() throws Exception {
        AgentConfig config = config();
        ResultSpool spool = new ResultSpool(config.spoolDirectory());
        Instant t = Instant.parse("2026-11-30T05:00:00Z");
        spool.put("accepted", "app_update", result("succeeded"), t);
        spool.put("same-outcome", "app_update", result("rolled_back"), t.plusSeconds(1));
        spool.put("other-outcome", "app_update", result("succeeded"), t.plusSeconds(2));
        spool.put("expired", "os_update", result("succeeded"), t.plusSeconds(3));
        spool.put("unavailable", "app_update", result("failed"), t.plusSeconds(4));
        answers.put("accepted", new String[] {"200", "{\"repeated\": false, \"job\": {}}"});
        answers.put("same-outcome", new String[] {"409",
                "{\"code\": \"job_already_finished\", \"details\": {\"state\": \"rolled_back\"}}"});
        answers.put("other-outcome", new String[] {"409",
                "{\"code\": \"job_already_finished\", \"details\": {\"state\": \"failed\"}}"});
        answers.put("expired", new String[] {"409", "{\"code\": \"job_expired\", \"details\": {\"state\": \"expired\"}}"});
        // "unavailable": 500 until the control plane recovers

        agent = start(config);
        await(() -> reported.contains("unavailable"));
        await(() -> spool.pending().size() == 1);
        assertThat(spool.pending()).extracting(ResultSpool.Pending::jobId).containsExactly("unavailable");
        assertThat(spool.directory().resolve("rejected/other-outcome.json")).exists();
        assertThat(spool.directory().resolve("rejected/expired.json")).exists();
        assertThat(spool.directory().resolve("rejected/same-outcome.json")).doesNotExist();

        answers.put("unavailable", new String[] {"200", "{\"repeated\": false, \"job\": {}}"});
        await(() -> spool.pending().isEmpty()); // the reporter's next attempt, after its backoff
        assertThat(reported.stream().filter("unavailable"::equals).count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aJobInterruptedByAStop_isReportedFailedAfterTheRestart() throws Exception {
        AgentConfig config = config();
        Files.createDirectories(config.stateDirectory());
        Files.writeString(config.stateDirectory().resolve("running-job.json"),
                "{\"id\": \"cut-short\", \"kind\": \"app_update\", \"started_at\": \"2026-11-30T05:00:00Z\"}");
        answers.put("cut-short", new String[] {"200", "{\"repeated\": false, \"job\": {}}"});

        agent = start(config);

        await(() -> reported.contains("cut-short") && agent.spool().pending().isEmpty());
        assertThat(config.stateDirectory().resolve("running-job.json")).doesNotExist();
    }

    @Test
    void theHeartbeat_carriesTheDocumentedFields() throws Exception {
        agent = start(config());

        ObjectNode body = agent.heartbeatBody();

        assertThat(body.properties()).extracting(Map.Entry::getKey).containsExactly("steward_version", "os", "kernel",
                "uptime_seconds", "installed_version", "queue", "delivered_total", "bounced_total", "free_disk_bytes");
        assertThat(body.path("kernel").asText()).isEqualTo(System.getProperty("os.version"));
        assertThat(body.path("installed_version").isNull()).as("no recipe").isTrue();
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT);
            }
            Thread.sleep(20);
        }
    }
}
