package dev.steward.control.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.control.core.bench.BenchProfile;
import dev.steward.control.core.bench.BenchmarkFigure;
import dev.steward.control.core.bench.BenchmarkRun;
import dev.steward.control.core.bench.FigureStats;
import dev.steward.control.core.bench.PackageBenchmarks;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobState;
import dev.steward.control.store.BenchmarkRepository;
import dev.steward.control.store.JobRepository;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Benchmarks (SPEC-2, issue 8): a server's runs, the published aggregates, an operator's request
 * for a run, and the download the agent's network test measures.
 *
 * <ul>
 *   <li>{@code GET /api/v1/servers/{id}/benchmarks}: the server's runs, newest first, with their
 *       figures (both profiles); its customer or an operator (another customer: 404).
 *   <li>{@code GET /api/v1/benchmarks/summary}: public, like the specifications page it feeds:
 *       per application and package, each figure's median, min, max, p10, p90 and server count over
 *       each server's latest full run. Only aggregates: no server, customer or address.
 *   <li>{@code POST /api/v1/servers/{id}/benchmarks}: an operator queues a BENCHMARK job
 *       ({@code {"profile": "full" | "quick"}}, default full) whose {@code network_url} is this
 *       control plane's download below.
 *   <li>{@code GET /api/agent/v1/bench-download/{server}/{secret}}: the network test's body (1 GiB
 *       for a full run, 64 MiB for a quick one, incompressible bytes). The agent's HTTP client sends
 *       no credential, so the URL is the capability: the server's id and a random 128-bit secret
 *       made for one job, valid only while that job is delivered or running (else 404).
 * </ul>
 *
 * <p>Thread safety: thread-safe (stateless handlers; the download block is immutable).
 */
public final class BenchmarkRoutes {

    /** The download's path prefix, exempt from the agent API's bearer check (the URL is the capability). */
    public static final String DOWNLOAD_PREFIX = "/api/agent/v1/bench-download/";

    static final long FULL_DOWNLOAD_BYTES = 1L << 30;
    static final long QUICK_DOWNLOAD_BYTES = 64L << 20;
    private static final int BLOCK = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiDependencies deps;
    private final BenchmarkRepository benchmarks;
    private final JobRepository jobs;
    private final byte[] block = new byte[BLOCK]; // random, immutable after construction

    private BenchmarkRoutes(ApiDependencies deps) {
        this.deps = deps;
        this.benchmarks = new BenchmarkRepository(deps.database());
        this.jobs = new JobRepository(deps.database());
        new java.util.Random(8).nextBytes(block);
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps) {
        BenchmarkRoutes handlers = new BenchmarkRoutes(deps);
        routes.get("/api/v1/servers/{id}/benchmarks", handlers::list);
        routes.post("/api/v1/servers/{id}/benchmarks", handlers::request);
        routes.get("/api/v1/benchmarks/summary", handlers::summary);
        routes.get(DOWNLOAD_PREFIX + "{server}/{secret}", handlers::download);
    }

    // ---- views

    record FigureView(String name, String test, String unit, double value, boolean higherIsBetter) {
        static FigureView of(BenchmarkFigure figure) {
            return new FigureView(figure.name(), figure.test(), figure.unit(), figure.value(), figure.higherIsBetter());
        }
    }

    record RunView(String jobId, String profile, Instant measuredAt, long applicationId, String tier,
                   List<FigureView> figures) {
        static RunView of(BenchmarkRun run) {
            return new RunView(run.jobId(), run.profile().code(), run.measuredAt(), run.applicationId(),
                    run.tier().code(), run.figures().stream().map(FigureView::of).toList());
        }
    }

    record RunList(long serverId, List<RunView> items) {
    }

    public record StatsView(String name, String test, String unit, boolean higherIsBetter, int servers, double median,
                     double min, double max, double p10, double p90, Instant lastMeasuredAt) {
        static StatsView of(FigureStats stats) {
            return new StatsView(stats.kind().figureName(), stats.kind().test(), stats.kind().unit(),
                    stats.kind().higherIsBetter(), stats.servers(), stats.median(), stats.min(), stats.max(),
                    stats.p10(), stats.p90(), stats.lastMeasured());
        }
    }

    public record ApplicationRef(long id, String slug, String name) {
    }

    public record PackageView(ApplicationRef application, String tier, int servers, List<StatsView> figures) {
    }

    record SummaryView(String profile, List<PackageView> items) {
    }

    record RequestBody(String profile) {
    }

    record RequestedView(String jobId, long serverId, String profile, long expectedSeconds) {
    }

    /**
     * The published aggregates with their applications (applications no longer in the catalogue
     * are left out), by application name and tier.
     */
    public static List<PackageView> summary(ApiDependencies deps, BenchmarkRepository benchmarks) {
        Map<Long, Application> applications = deps.applications().list().stream()
                .collect(Collectors.toMap(Application::id, Function.identity()));
        return benchmarks.summary().stream().filter(p -> applications.containsKey(p.applicationId()))
                .sorted(java.util.Comparator.comparing((PackageBenchmarks p) ->
                        applications.get(p.applicationId()).name(), String.CASE_INSENSITIVE_ORDER)
                        .thenComparing(PackageBenchmarks::tier))
                .map(p -> {
                    Application a = applications.get(p.applicationId());
                    return new PackageView(new ApplicationRef(a.id(), a.slug(), a.name()), p.tier().code(), p.servers(),
                            p.figures().stream().map(StatsView::of).toList());
                }).toList();
    }

    // ---- handlers

    private void list(Context ctx) {
        Principal principal = Access.user(ctx);
        long id = ApiRequest.id(ctx, "id", "server");
        ServerRoutes.visibleServer(deps, principal, id);
        int limit = ApiRequest.limit(ctx, 20, 200);
        ctx.json(new RunList(id, benchmarks.forServer(id, limit).stream().map(RunView::of).toList()));
    }

    private void summary(Context ctx) {
        ctx.json(new SummaryView(BenchProfile.FULL.code(), summary(deps, benchmarks)));
    }

    private void request(Context ctx) {
        Principal operator = Access.operator(ctx);
        long id = ApiRequest.id(ctx, "id", "server");
        deps.servers().find(id).orElseThrow(() -> ApiException.notFound("server", id));
        BenchProfile profile = BenchProfile.FULL;
        if (!ctx.body().isBlank()) {
            RequestBody body = ApiRequest.body(ctx, RequestBody.class);
            if (body.profile() != null) {
                try {
                    profile = BenchProfile.fromCode(body.profile());
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("profile", "must be full or quick");
                }
            }
        }
        String jobId = request(deps, benchmarks, operator, id, profile, CalendarRoutes.baseUrl(ctx));
        ctx.status(201).json(new RequestedView(jobId, id, profile.code(), expected(profile).toSeconds()));
    }

    /**
     * Queues a benchmark of {@code serverId} (the API's and the UI's action).
     *
     * @param baseUrl this control plane as the agent reaches it, e.g. {@code https://steward.example}
     * @return the job's id
     */
    public static String request(ApiDependencies deps, BenchmarkRepository benchmarks, Principal operator,
                                 long serverId, BenchProfile profile, String baseUrl) {
        byte[] secret = new byte[16];
        RANDOM.nextBytes(secret);
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put("profile", profile.code());
        payload.put("network_url", baseUrl + DOWNLOAD_PREFIX + serverId + "/"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        return benchmarks.request(operator.actor(), serverId, profile, payload.toString(), expected(profile));
    }

    /** A full run takes up to an hour (the seed's fio runtimes and files); a quick one about 15 s. */
    static Duration expected(BenchProfile profile) {
        return profile == BenchProfile.FULL ? Duration.ofMinutes(60) : Duration.ofMinutes(2);
    }

    private void download(Context ctx) {
        long serverId = ApiRequest.id(ctx, "server", "download");
        String secret = ctx.pathParam("secret");
        if (secret.length() != 22) {
            throw ApiException.notFound("download", "?");
        }
        String path = DOWNLOAD_PREFIX + serverId + "/" + secret;
        Job job = jobs.forServer(serverId, 50).stream()
                .filter(j -> j.kind() == JobKind.BENCHMARK)
                .filter(j -> j.state() == JobState.DELIVERED || j.state() == JobState.RUNNING)
                .filter(j -> matches(networkPath(j.payload()), path))
                .findFirst().orElseThrow(() -> ApiException.notFound("download", "?"));
        long bytes = "quick".equals(payloadText(job.payload(), "profile")) ? QUICK_DOWNLOAD_BYTES : FULL_DOWNLOAD_BYTES;
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Length", Long.toString(bytes));
        ctx.contentType("application/octet-stream");
        ctx.result(new Repeating(block, bytes));
    }

    private static boolean matches(String expected, String actual) {
        return expected != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }

    /** The path of the payload's {@code network_url}, or null. */
    private static String networkPath(String payload) {
        String url = payloadText(payload, "network_url");
        if (url == null) {
            return null;
        }
        try {
            return java.net.URI.create(url).getRawPath();
        } catch (IllegalArgumentException bad) {
            return null;
        }
    }

    private static String payloadText(String payload, String field) {
        try {
            JsonNode node = Json.MAPPER.readTree(payload).path(field);
            return node.isTextual() ? node.asText() : null;
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    /** {@code total} bytes of {@code block} repeated. */
    static final class Repeating extends InputStream {
        private final byte[] block;
        private long left;
        private int position;

        Repeating(byte[] block, long total) {
            this.block = block;
            this.left = total;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            int b = block[position] & 0xff;
            position = (position + 1) % block.length;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(Math.min(length, left), block.length - position);
            System.arraycopy(block, position, buffer, offset, n);
            position = (position + n) % block.length;
            left -= n;
            return n;
        }
    }

}
