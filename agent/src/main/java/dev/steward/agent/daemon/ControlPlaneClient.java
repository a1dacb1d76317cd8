package dev.steward.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The agent's side of the job API ({@code /api/agent/v1}, see the README's "Job API (agents)"):
 * one JDK HTTP client, JSON bodies, {@code Authorization: Bearer <credential>} on every call but
 * enrolment. It only transports: deciding what an answer means is the caller's.
 *
 * <p>Thread safety: thread-safe (the JDK client is).
 */
public final class ControlPlaneClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * An answer.
     *
     * @param status the HTTP status
     * @param json the body as JSON; null when empty or not JSON
     */
    public record Reply(int status, JsonNode json) {

        /** The API error code ({@code code}) of an error answer, or "". */
        public String code() {
            return json == null ? "" : json.path("code").asText("");
        }

        /** Short text for logs: status, code and message. */
        public String describe() {
            return json == null ? Integer.toString(status)
                    : status + " " + json.path("code").asText("") + " " + json.path("message").asText("");
        }
    }

    private final URI base;
    private final Duration requestTimeout;
    private final Supplier<String> credential;
    private final HttpClient http;

    /**
     * @param base the control plane's address, e.g. {@code https://control.hosting.example}
     * @param requestTimeout how long one request may take (a long poll adds its wait)
     * @param credential the current credential (null before enrolment)
     */
    public ControlPlaneClient(URI base, Duration requestTimeout, Supplier<String> credential) {
        this.base = Objects.requireNonNull(base, "base");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.credential = Objects.requireNonNull(credential, "credential");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@code POST /api/agent/v1/enrol}. */
    public Reply enrol(String token, String selector, String publicKeyPem) throws IOException, InterruptedException {
        var body = JSON.createObjectNode().put("token", token).put("dkim_selector", selector)
                .put("dkim_public_key", publicKeyPem);
        return send("POST", "/api/agent/v1/enrol", body, Duration.ZERO, false);
    }

    /** {@code POST /api/agent/v1/heartbeat}. */
    public Reply heartbeat(JsonNode body) throws IOException, InterruptedException {
        return send("POST", "/api/agent/v1/heartbeat", body, Duration.ZERO, true);
    }

    /** {@code GET /api/agent/v1/jobs/next?wait=S}: 200 with a job or 204. */
    public Reply next(Duration wait) throws IOException, InterruptedException {
        return send("GET", "/api/agent/v1/jobs/next?wait=" + wait.toSeconds(), null, wait, true);
    }

    /** {@code POST /api/agent/v1/jobs/{id}/progress}. */
    public Reply progress(String jobId, boolean started, String message) throws IOException, InterruptedException {
        var body = JSON.createObjectNode().put("started", started).put("message", message);
        return send("POST", "/api/agent/v1/jobs/" + jobId + "/progress", body, Duration.ZERO, true);
    }

    /** {@code POST /api/agent/v1/jobs/{id}/result}. */
    public Reply result(String jobId, JsonNode body) throws IOException, InterruptedException {
        return send("POST", "/api/agent/v1/jobs/" + jobId + "/result", body, Duration.ZERO, true);
    }

    /** {@code POST /api/agent/v1/credential/rotate}. */
    public Reply rotate() throws IOException, InterruptedException {
        return send("POST", "/api/agent/v1/credential/rotate", null, Duration.ZERO, true);
    }

    private Reply send(String method, String path, JsonNode body, Duration extra, boolean authenticated)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout.plus(extra)).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (authenticated) {
            String secret = credential.get();
            if (secret == null) {
                throw new IllegalStateException("not enrolled: no credential");
            }
            request.header("Authorization", "Bearer " + secret);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (!response.body().isEmpty()) {
            try {
                json = JSON.readTree(response.body());
            } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
                json = null;
            }
        }
        return new Reply(response.statusCode(), json);
    }
}
