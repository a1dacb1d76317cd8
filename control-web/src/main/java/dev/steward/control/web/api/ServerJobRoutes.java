package dev.steward.control.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.steward.control.core.job.Job;
import dev.steward.control.store.JobResultSummary;
import dev.steward.control.store.ServerHistoryRepository;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/servers/{id}/jobs}: a server's maintenance jobs, newest first (OS updates,
 * application updates, benchmarks), each with its window and the readable parts of its result
 * (packages upgraded, reboot, downtime, rollback, error). Operators read every server's; a
 * customer only their own (another's server is 404).
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class ServerJobRoutes {

    private final ApiDependencies deps;
    private final ServerHistoryRepository history;

    private ServerJobRoutes(ApiDependencies deps) {
        this.deps = deps;
        this.history = new ServerHistoryRepository(deps.database());
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps) {
        ServerJobRoutes handlers = new ServerJobRoutes(deps);
        routes.get("/api/v1/servers/{id}/jobs", handlers::list);
    }

    record WindowView(String kind, Instant startsAt, Instant endsAt, String zone) {
    }

    record SummaryView(Integer packagesUpgraded, Boolean reboot, Long downtimeSeconds, Boolean rolledBack, String error,
                       String reason) {
        static SummaryView of(JobResultSummary summary) {
            return new SummaryView(summary.packages(), summary.reboot(), summary.downtimeSeconds(),
                    summary.rolledBack(), summary.error(), summary.reason());
        }
    }

    record JobView(String id, long serverId, String kind, String state, Long releaseId, WindowView window,
                   Instant createdAt, Instant notBefore, Instant latestStart, long expectedSeconds, int attempt,
                   Instant startedAt, Instant finishedAt, String progress, SummaryView summary, JsonNode result) {
    }

    record JobList(List<JobView> items) {
    }

    private void list(Context ctx) {
        Principal principal = Access.user(ctx);
        long id = ApiRequest.id(ctx, "id", "server");
        ServerRoutes.visibleServer(deps, principal, id);
        int limit = ApiRequest.limit(ctx, 50, 500);
        List<JobView> items = history.jobs(id, limit).stream().map(ServerJobRoutes::view).toList();
        ctx.json(new JobList(items));
    }

    private static JobView view(ServerHistoryRepository.JobEntry entry) {
        Job job = entry.job();
        WindowView window = entry.windowKind() == null ? null
                : new WindowView(ApiViews.lower(dev.steward.control.core.maintenance.WindowKind.valueOf(entry.windowKind())),
                        entry.windowStart(), entry.windowEnd(), entry.windowZone());
        return new JobView(job.id(), job.serverId(), ApiViews.lower(job.kind()), ApiViews.lower(job.state()),
                job.releaseId(), window, job.createdAt(), job.notBefore(), job.latestStart(), job.expected().toSeconds(),
                job.attempt(), job.startedAt(), job.finishedAt(), job.progress(), SummaryView.of(entry.summary()),
                result(job.result()));
    }

    /** The agent's result as JSON when it is JSON, else as a string; null when there is none. */
    private static JsonNode result(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException notJson) {
            return TextNode.valueOf(text);
        }
    }
}
