package dev.steward.control.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobState;
import dev.steward.control.store.AgentCredential;
import dev.steward.control.store.AgentHeartbeat;
import dev.steward.control.store.AgentIdentity;
import dev.steward.control.store.AgentJobRepository;
import dev.steward.control.store.AgentRepository;
import dev.steward.control.store.BenchmarkRepository;
import dev.steward.control.store.CompositeJobOutcomeListener;
import dev.steward.control.store.EnrolmentRefusedException;
import dev.steward.control.store.EnrolmentToken;
import dev.steward.control.store.JobReportRefusedException;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The agent-facing job API under {@code /api/agent/v1}, and the two operator endpoints that go with
 * it under {@code /api/v1}: issuing an enrolment token and reading a server's last heartbeat.
 *
 * <p><b>Authentication.</b> Every {@code /api/agent/v1} call except {@code enrol} and the
 * benchmark download ({@link BenchmarkRoutes#DOWNLOAD_PREFIX}, whose URL is its credential) carries
 * {@code Authorization: Bearer <agent credential>}; the before-handler ({@link #authenticate})
 * resolves it to the one server the agent may act for. Sessions and API tokens of accounts mean
 * nothing here (401), and agent credentials mean nothing on {@code /api/v1} (they are not API
 * tokens). A job id of another server is 404, the same as an unknown one.
 *
 * <p><b>Flow.</b> enrol (token + DKIM key → credential) → heartbeat every minute → long poll
 * {@code jobs/next} → {@code progress} (started, then messages; each extends the lease) →
 * {@code result} (exactly once; repeating the same result is acknowledged, a different one 409).
 *
 * <p><b>Benchmarks.</b> Every accepted result also goes to
 * {@link BenchmarkRepository#LISTENER}, which stores a succeeded benchmark's checked figures in
 * the same transaction (after the configured listener).
 *
 * <p>Thread safety: thread-safe (stateless handlers; the poller is thread-safe).
 */
public final class AgentRoutes implements AutoCloseable {

    /** The request attribute holding the {@link AgentIdentity} of an authenticated agent call. */
    static final String AGENT = "steward.agent";
    /** The enrolment path: the one agent call without a credential. */
    public static final String ENROL_PATH = "/api/agent/v1/enrol";

    private static final Pattern SELECTOR = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo: what follows is the raw 32-byte key DKIM wants. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21,
            0x00};

    private final ApiDependencies deps;
    private final AgentApiSettings settings;
    private final AgentRepository agents;
    private final AgentJobRepository jobs;
    private final JobPoller poller;

    private AgentRoutes(ApiDependencies deps, AgentApiSettings settings) {
        this.deps = deps;
        this.settings = settings;
        this.agents = new AgentRepository(deps.database(), settings.clock());
        // Benchmark figures are recorded with every accepted BENCHMARK result, whatever else listens.
        this.jobs = new AgentJobRepository(deps.database(), new CompositeJobOutcomeListener().add(settings.listener())
                .add(BenchmarkRepository.LISTENER), settings.clock(), settings.lease());
        this.poller = new JobPoller(jobs, settings.pollInterval());
    }

    /**
     * Adds the before-handler and the routes.
     *
     * @return the routes' resources, to {@link #close} when the server stops (ends waiting long polls)
     */
    public static AgentRoutes register(RoutesConfig routes, ApiDependencies deps, AgentApiSettings settings) {
        AgentRoutes handlers = new AgentRoutes(deps, settings);
        routes.before("/api/agent/v1/*", handlers::authenticate);
        routes.post("/api/v1/servers/{id}/enrolment-tokens", handlers::issueToken);
        routes.get("/api/v1/servers/{id}/agent-status", handlers::status);
        routes.post(ENROL_PATH, handlers::enrol);
        routes.post("/api/agent/v1/credential/rotate", handlers::rotate);
        routes.post("/api/agent/v1/heartbeat", handlers::heartbeat);
        routes.get("/api/agent/v1/jobs/next", handlers::next);
        routes.post("/api/agent/v1/jobs/{id}/progress", handlers::progress);
        routes.post("/api/agent/v1/jobs/{id}/result", handlers::result);
        return handlers;
    }

    /** The agent of the request, if it is an authenticated agent call (for the access log). */
    public static Optional<AgentIdentity> agent(Context ctx) {
        return Optional.ofNullable(ctx.attribute(AGENT));
    }

    /** Ends waiting long polls (answered 204) and stops the poller. */
    @Override
    public void close() {
        poller.close();
    }

    // ---- the before-handler

    private void authenticate(Context ctx) {
        if (ctx.path().equals(ENROL_PATH) || ctx.path().startsWith(BenchmarkRoutes.DOWNLOAD_PREFIX)) {
            return;
        }
        String authorization = ctx.header("Authorization");
        if (authorization == null) {
            throw new ApiException(401, "unauthenticated",
                    "send Authorization: Bearer <agent credential> (from POST " + ENROL_PATH + ")");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
            throw new ApiException(401, "invalid_credential", "Authorization must be 'Bearer <agent credential>'");
        }
        AgentIdentity agent = agents.authenticate(authorization.substring(7).strip())
                .orElseThrow(() -> new ApiException(401, "invalid_credential",
                        "the agent credential is unknown or revoked (an API token is not an agent credential)"));
        ctx.attribute(AGENT, agent);
    }

    private static AgentIdentity requireAgent(Context ctx) {
        return agent(ctx).orElseThrow(() -> new ApiException(401, "unauthenticated", "no agent credential"));
    }

    // ---- operator endpoints

    private void issueToken(Context ctx) {
        Principal operator = Access.operator(ctx);
        long id = ApiRequest.id(ctx, "id", "server");
        deps.servers().find(id).orElseThrow(() -> ApiException.notFound("server", id));
        Duration validity = settings.enrolmentValidity();
        if (!ctx.body().isBlank()) {
            AgentViews.EnrolmentTokenBody body = ApiRequest.body(ctx, AgentViews.EnrolmentTokenBody.class);
            if (body.validForHours() != null) {
                if (body.validForHours() < 1 || body.validForHours() > 720) {
                    throw ApiException.invalid("valid_for_hours", "must be 1..720");
                }
                validity = Duration.ofHours(body.validForHours());
            }
        }
        EnrolmentToken token = agents.issueEnrolmentToken(operator.actor(), id, validity);
        ctx.status(201).json(new AgentViews.EnrolmentTokenView(token.token(), id, token.expiresAt(), ENROL_PATH));
    }

    private void status(Context ctx) {
        Access.operator(ctx);
        long id = ApiRequest.id(ctx, "id", "server");
        deps.servers().find(id).orElseThrow(() -> ApiException.notFound("server", id));
        ctx.json(AgentViews.AgentStatusView.of(agents.status(id).orElseThrow(() -> new ApiException(404, "not_found",
                "the agent of server " + id + " has not sent a heartbeat yet", Map.of("entity", "agent_status")))));
    }

    // ---- agent endpoints

    private void enrol(Context ctx) {
        AgentViews.EnrolBody body = ApiRequest.body(ctx, AgentViews.EnrolBody.class);
        String token = ApiRequest.required(body.token(), "token").strip();
        String selector = body.dkimSelector() == null ? "nexx" : body.dkimSelector().strip().toLowerCase(Locale.ROOT);
        if (!SELECTOR.matcher(selector).matches()) {
            throw ApiException.invalid("dkim_selector", "must be a DNS label (letters, digits, hyphens; 1..63)");
        }
        String key = dkimKey(ApiRequest.required(body.dkimPublicKey(), "dkim_public_key"));
        AgentCredential credential;
        try {
            credential = agents.enrol(token, selector, key);
        } catch (EnrolmentRefusedException refused) {
            String reason = refused.reason().name().toLowerCase(Locale.ROOT);
            throw new ApiException(403, "enrolment_token_" + reason, refused.getMessage(), Map.of("reason", reason));
        }
        String notice = "unchanged";
        if (credential.dkimKeyChanged()) {
            Server server = deps.servers().get(credential.serverId());
            notice = deps.dkimNotifier().notify(dev.steward.control.core.Actor.agent(credential.serverName()), server)
                    .status().name().toLowerCase(Locale.ROOT);
        }
        ctx.status(201).json(new AgentViews.CredentialView(credential.serverId(), credential.serverName(),
                credential.credential(), notice));
    }

    /**
     * The DKIM p= value of a public key given as PEM ({@code BEGIN PUBLIC KEY}) or as the base64
     * itself; an Ed25519 SubjectPublicKeyInfo becomes the raw key (RFC 8463), RSA stays as it is.
     */
    static String dkimKey(String text) {
        String base64 = text.lines().filter(line -> !line.strip().startsWith("-----"))
                .reduce("", String::concat).replaceAll("\\s+", "");
        if (!BASE64.matcher(base64).matches() || base64.length() < 40 || base64.length() > 3000) {
            throw ApiException.invalid("dkim_public_key", "must be the public key as PEM or as the p= base64 value");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException notBase64) {
            throw ApiException.invalid("dkim_public_key", "is not valid base64: " + notBase64.getMessage());
        }
        if (der.length == ED25519_SPKI_PREFIX.length + 32
                && Arrays.equals(der, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0, ED25519_SPKI_PREFIX.length)) {
            return Base64.getEncoder().encodeToString(Arrays.copyOfRange(der, ED25519_SPKI_PREFIX.length, der.length));
        }
        return base64;
    }

    private void rotate(Context ctx) {
        AgentIdentity agent = requireAgent(ctx);
        AgentCredential credential = agents.rotate(agent);
        ctx.json(new AgentViews.CredentialView(credential.serverId(), credential.serverName(), credential.credential(),
                "unchanged"));
    }

    private void heartbeat(Context ctx) {
        AgentIdentity agent = requireAgent(ctx);
        AgentViews.HeartbeatBody body = ApiRequest.body(ctx, AgentViews.HeartbeatBody.class);
        AgentViews.QueueBody queue = ApiRequest.required(body.queue(), "queue");
        AgentHeartbeat heartbeat = new AgentHeartbeat(ApiRequest.required(body.stewardVersion(), "steward_version"),
                ApiRequest.required(body.os(), "os"), ApiRequest.required(body.kernel(), "kernel"),
                ApiRequest.required(body.uptimeSeconds(), "uptime_seconds"),
                body.installedVersion() == null || body.installedVersion().isBlank() ? null : body.installedVersion(),
                ApiRequest.required(queue.active(), "queue.active"), ApiRequest.required(queue.deferred(), "queue.deferred"),
                ApiRequest.required(queue.held(), "queue.held"),
                ApiRequest.required(body.deliveredTotal(), "delivered_total"),
                ApiRequest.required(body.bouncedTotal(), "bounced_total"),
                ApiRequest.required(body.freeDiskBytes(), "free_disk_bytes"));
        ctx.json(AgentViews.AgentStatusView.of(agents.recordHeartbeat(agent, heartbeat)));
    }

    private void next(Context ctx) {
        AgentIdentity agent = requireAgent(ctx);
        Integer wait = ApiRequest.query(ctx, "wait", Integer::valueOf);
        long maxWait = settings.maxWait().toSeconds();
        if (wait != null && (wait < 0 || wait > maxWait)) {
            throw ApiException.invalid("wait", "must be 0.." + maxWait + " seconds");
        }
        Duration waitFor = Duration.ofSeconds(wait == null ? 0 : wait);
        ctx.future(() -> poller.next(agent.actor(), agent.serverId(), waitFor).thenAccept(job -> {
            if (job.isPresent()) {
                ctx.json(AgentViews.JobView.of(job.get()));
            } else {
                ctx.status(204);
            }
        }));
    }

    private void progress(Context ctx) {
        AgentIdentity agent = requireAgent(ctx);
        String jobId = jobId(ctx);
        AgentViews.ProgressBody body = ApiRequest.body(ctx, AgentViews.ProgressBody.class);
        if (body.message() != null && body.message().length() > 2000) {
            throw ApiException.invalid("message", "at most 2000 characters");
        }
        try {
            Job job = jobs.progress(agent.actor(), agent.serverId(), jobId, Boolean.TRUE.equals(body.started()),
                    body.message());
            ctx.json(AgentViews.JobView.of(job));
        } catch (JobReportRefusedException refused) {
            throw conflict(refused);
        }
    }

    private void result(Context ctx) {
        AgentIdentity agent = requireAgent(ctx);
        String jobId = jobId(ctx);
        AgentViews.ResultBody body = ApiRequest.body(ctx, AgentViews.ResultBody.class);
        String status = ApiRequest.required(body.status(), "status").toLowerCase(Locale.ROOT);
        JobState outcome = switch (status) {
            case "succeeded" -> JobState.SUCCEEDED;
            case "failed" -> JobState.FAILED;
            case "rolled_back" -> JobState.ROLLED_BACK;
            default -> throw ApiException.invalid("status", "must be succeeded, failed or rolled_back");
        };
        long duration = ApiRequest.required(body.durationSeconds(), "duration_seconds");
        if (duration < 0) {
            throw ApiException.invalid("duration_seconds", "must not be negative");
        }
        JsonNode health = body.health() == null || body.health().isNull() ? null : body.health();
        if (health != null && !(health.isObject() && health.path("ok").isBoolean())) {
            throw ApiException.invalid("health", "must be an object with a boolean \"ok\" (and any checks)");
        }
        JsonNode details = body.details() == null || body.details().isNull()
                ? Json.MAPPER.createObjectNode() : body.details();
        if (!details.isObject()) {
            throw ApiException.invalid("details", "must be a JSON object");
        }
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("status", status);
        result.put("duration_seconds", duration);
        result.set("health", health);
        result.set("details", details);
        String canonical = canonical(result);
        if (canonical.length() > 20_000) {
            throw ApiException.invalid("details", "the result is at most 20000 characters of JSON");
        }
        try {
            AgentJobRepository.Finish finish = jobs.finish(agent.actor(), agent.serverId(), jobId, outcome, canonical);
            ctx.json(new AgentViews.ResultView(finish.repeated(), AgentViews.JobView.of(finish.job())));
        } catch (JobReportRefusedException refused) {
            throw conflict(refused);
        }
    }

    /** JSON text with every object's keys sorted, so equal results compare equal as text. */
    static String canonical(JsonNode node) {
        try {
            Object plain = Json.MAPPER.treeToValue(node, Object.class);
            return Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(plain);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always writes", e);
        }
    }

    private static String jobId(Context ctx) {
        String id = ctx.pathParam("id");
        if (id.length() > 36 || id.isBlank()) {
            throw ApiException.notFound("job", id);
        }
        return id;
    }

    private static ApiException conflict(JobReportRefusedException refused) {
        String code = switch (refused.reason()) {
            case ALREADY_FINISHED -> "job_already_finished";
            case EXPIRED -> "job_expired";
            case CANCELLED -> "job_cancelled";
            case NOT_DELIVERED -> "job_not_delivered";
        };
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", ApiViews.lower(refused.job().state()));
        if (refused.job().state() == JobState.EXPIRED || refused.job().state() == JobState.CANCELLED) {
            details.put("reason", refused.job().result());
        }
        return new ApiException(409, code, refused.getMessage(), details);
    }
}
