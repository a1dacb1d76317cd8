package dev.steward.control.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.job.JobKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A scripted agent for tests: talks to a control plane's job API over HTTP exactly as a real agent
 * would ({@code /api/agent/v1}), and reports the result its script gives for each job.
 *
 * <p>Usage (the pipeline's integration test can do the same against its own server):
 * <pre>{@code
 * String token = ...; // POST /api/v1/servers/{id}/enrolment-tokens as an operator, "token"
 * ScriptedAgent agent = ScriptedAgent.enrol(baseUri, token)
 *         .onKind(JobKind.OS_UPDATE, ScriptedAgent.Outcome.succeeded(Map.of("packages", 12, "reboot", true)))
 *         .onPayload("target_version", "2.0.0", ScriptedAgent.Outcome.failed("migration failed"));
 * agent.heartbeat("1.0.0");
 * agent.runAll(0);            // every job due now: started, progress, scripted result
 * agent.handled();            // what it did, in order
 * }</pre>
 *
 * <p>A job no rule matches gets {@link Outcome#succeeded(Map)} with no details. Rules are tried in
 * the order they were added; the first match wins.
 *
 * <p>Thread safety: the rules must be added before the agent runs; running and reporting are
 * thread-safe (one HTTP client), so two threads may poll for the same agent.
 */
public final class ScriptedAgent {

    /**
     * A result to report.
     *
     * @param status {@code succeeded}, {@code failed} or {@code rolled_back}
     * @param durationSeconds how long the work took
     * @param healthOk the health check's verdict ({@code health.ok}); null to send no health
     * @param details the result's details (packages, reboot, downtime, error, ...)
     */
    public record Outcome(String status, long durationSeconds, Boolean healthOk, Map<String, Object> details) {

        /** Succeeded, healthy, 60 s, with {@code details}. */
        public static Outcome succeeded(Map<String, Object> details) {
            return new Outcome("succeeded", 60, true, details);
        }

        /** Failed (not rolled back), unhealthy, with {@code error} in the details. */
        public static Outcome failed(String error) {
            return new Outcome("failed", 60, false, Map.of("error", error));
        }

        /** Failed and rolled back (healthy again at the old version), with {@code error} in the details. */
        public static Outcome rolledBack(String error) {
            return new Outcome("rolled_back", 90, true, Map.of("error", error));
        }

        /** The request body of {@code POST /jobs/{id}/result}. */
        Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", status);
            body.put("duration_seconds", durationSeconds);
            body.put("health", healthOk == null ? null : Map.of("ok", healthOk));
            body.put("details", details);
            return body;
        }
    }

    /**
     * An HTTP answer.
     *
     * @param status the status code
     * @param json the parsed body; null when empty (204)
     */
    public record Reply(int status, JsonNode json) {
    }

    private record Rule(Predicate<JsonNode> matches, Function<JsonNode, Outcome> outcome) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final List<Rule> rules = new ArrayList<>();
    private final List<JsonNode> handled = new CopyOnWriteArrayList<>();
    private final long serverId;
    private volatile String credential;

    private ScriptedAgent(URI base, long serverId, String credential) {
        this.base = base;
        this.serverId = serverId;
        this.credential = credential;
    }

    /**
     * Enrols with a one-time token and a fresh Ed25519 DKIM key (sent as PEM).
     *
     * @param base the control plane, e.g. {@code http://127.0.0.1:8080}
     * @throws AssertionError if the enrolment is refused
     */
    public static ScriptedAgent enrol(URI base, String enrolmentToken) {
        ScriptedAgent anonymous = new ScriptedAgent(base, 0, null);
        Reply reply = anonymous.send("POST", "/api/agent/v1/enrol", Map.of("token", enrolmentToken,
                "dkim_selector", "nexx", "dkim_public_key", newDkimKeyPem()));
        if (reply.status() != 201) {
            throw new AssertionError("enrolment refused: " + reply.status() + " " + reply.json());
        }
        return new ScriptedAgent(base, reply.json().get("server_id").asLong(), reply.json().get("credential").asText());
    }

    /** An agent that enrolled before (e.g. the same agent talking to another control-plane instance). */
    public static ScriptedAgent withCredential(URI base, long serverId, String credential) {
        return new ScriptedAgent(base, serverId, credential);
    }

    /** A fresh Ed25519 public key as PEM (SubjectPublicKeyInfo), the way an agent would send it. */
    public static String newDkimKeyPem() {
        try {
            byte[] spki = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
            return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .encodeToString(spki) + "\n-----END PUBLIC KEY-----\n";
        } catch (GeneralSecurityException e) {
            throw new AssertionError("every JDK 15+ has Ed25519", e);
        }
    }

    // ---- the script

    /** Reports {@code outcome} for jobs of {@code kind}. */
    public ScriptedAgent onKind(JobKind kind, Outcome outcome) {
        String name = kind.name().toLowerCase(Locale.ROOT);
        return on(job -> job.path("kind").asText().equals(name), job -> outcome);
    }

    /** Reports {@code outcome} for jobs whose payload has {@code field} equal to {@code value} (e.g. a target version). */
    public ScriptedAgent onPayload(String field, String value, Outcome outcome) {
        return on(job -> job.path("payload").path(field).asText("").equals(value), job -> outcome);
    }

    /** The general rule: {@code outcome} computed from the job (its JSON as delivered) when {@code matches}. */
    public ScriptedAgent on(Predicate<JsonNode> matches, Function<JsonNode, Outcome> outcome) {
        rules.add(new Rule(matches, outcome));
        return this;
    }

    // ---- the API calls

    /** The server this agent enrolled for. */
    public long serverId() {
        return serverId;
    }

    /** The current credential (changes with {@link #rotate}). */
    public String credential() {
        return credential;
    }

    /** Sends a heartbeat with fixed OS facts, empty queues and {@code installedVersion}; returns the status code. */
    public int heartbeat(String installedVersion) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("steward_version", "0.1.0-test");
        body.put("os", "Debian GNU/Linux 12 (bookworm)");
        body.put("kernel", "6.1.0-18-amd64");
        body.put("uptime_seconds", 3600);
        body.put("installed_version", installedVersion);
        body.put("queue", Map.of("active", 0, "deferred", 0, "held", 0));
        body.put("delivered_total", 0);
        body.put("bounced_total", 0);
        body.put("free_disk_bytes", 10_000_000_000L);
        return send("POST", "/api/agent/v1/heartbeat", body).status();
    }

    /**
     * Long polls for the next job.
     *
     * @param waitSeconds 0 .. 30
     * @return the job (its JSON as delivered), or empty on 204
     * @throws AssertionError on any other answer
     */
    public Optional<JsonNode> poll(int waitSeconds) {
        Reply reply = send("GET", "/api/agent/v1/jobs/next?wait=" + waitSeconds, null);
        return switch (reply.status()) {
            case 200 -> Optional.of(reply.json());
            case 204 -> Optional.empty();
            default -> throw new AssertionError("poll failed: " + reply.status() + " " + reply.json());
        };
    }

    /** Reports progress; {@code started} moves the job to running. */
    public Reply progress(String jobId, boolean started, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("started", started);
        body.put("message", message);
        return send("POST", "/api/agent/v1/jobs/" + jobId + "/progress", body);
    }

    /** Reports a result. */
    public Reply report(String jobId, Outcome outcome) {
        return send("POST", "/api/agent/v1/jobs/" + jobId + "/result", outcome.body());
    }

    /** Rotates the credential; the agent uses the new one from now on. */
    public void rotate() {
        Reply reply = send("POST", "/api/agent/v1/credential/rotate", null);
        if (reply.status() != 200) {
            throw new AssertionError("rotation failed: " + reply.status() + " " + reply.json());
        }
        credential = reply.json().get("credential").asText();
    }

    /**
     * Polls once and, if a job arrives, runs it: "started" progress, one message, the scripted
     * result.
     *
     * @return the result answer's {@code job}, or empty when no job arrived within the wait
     * @throws AssertionError if the control plane refuses the start or the result
     */
    public Optional<JsonNode> runNext(int waitSeconds) {
        Optional<JsonNode> polled = poll(waitSeconds);
        if (polled.isEmpty()) {
            return Optional.empty();
        }
        JsonNode job = polled.get();
        String id = job.get("id").asText();
        Reply started = progress(id, true, "started " + job.get("kind").asText());
        if (started.status() != 200) {
            throw new AssertionError("start of " + id + " refused: " + started.status() + " " + started.json());
        }
        progress(id, false, "working");
        Outcome outcome = rules.stream().filter(rule -> rule.matches().test(job)).findFirst()
                .map(rule -> rule.outcome().apply(job)).orElse(Outcome.succeeded(Map.of()));
        Reply result = report(id, outcome);
        if (result.status() != 200) {
            throw new AssertionError("result of " + id + " refused: " + result.status() + " " + result.json());
        }
        handled.add(result.json().get("job"));
        return Optional.of(result.json().get("job"));
    }

    /**
     * Runs jobs until a poll of {@code waitSeconds} brings none.
     *
     * @return how many it ran
     */
    public int runAll(int waitSeconds) {
        int ran = 0;
        while (runNext(waitSeconds).isPresent()) {
            ran++;
        }
        return ran;
    }

    /** Every job this agent ran to a result, as the control plane answered it, in order. */
    public List<JsonNode> handled() {
        return List.copyOf(handled);
    }

    /** One request with the agent's credential (none before enrolment). */
    public Reply send(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(45));
        String text = null;
        if (body != null) {
            try {
                text = Json.MAPPER.writeValueAsString(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            request.header("Content-Type", "application/json");
        }
        request.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body().isEmpty() ? null : Json.MAPPER.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
