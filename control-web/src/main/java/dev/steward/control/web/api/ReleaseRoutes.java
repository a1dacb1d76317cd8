package dev.steward.control.web.api;

import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.release.Release;
import dev.steward.control.core.release.ReleaseSource;
import dev.steward.control.core.release.ReleaseState;
import dev.steward.control.core.release.ReleaseTerms;
import dev.steward.control.web.auth.Principal;
import dev.steward.control.web.pipeline.ReleasePipeline;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Releases and their rollout (issue 7: UPD-1..UPD-4, MAINT-3, MAINT-4).
 *
 * <ul>
 *   <li>{@code /api/v1/releases}: operators only. Register (POST; the test stage starts at once
 *       when the application has test servers), list (filter by {@code application_id} and
 *       {@code state}), read one with its targets grouped by state and its notices,
 *       {@code approve} (skips the soak, or the test stage when there is no test server; plans the
 *       rollout and sends the notices), {@code cancel}, {@code start-test}, and
 *       {@code GET …/plan?dry_run=true} (what would be planned where, nothing written; without
 *       {@code dry_run} the stored plan).</li>
 *   <li>{@code GET /api/v1/servers/{id}/maintenance}: a server's planned updates, for its customer
 *       (another customer's server is 404) and operators.</li>
 *   <li>{@code GET|PUT /api/v1/applications/{slug}/release-feed}: an application's release feed
 *       (operators).</li>
 * </ul>
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class ReleaseRoutes {

    private final ApiDependencies deps;

    private ReleaseRoutes(ApiDependencies deps) {
        this.deps = deps;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps) {
        ReleaseRoutes handlers = new ReleaseRoutes(deps);
        routes.get("/api/v1/releases", handlers::list);
        routes.post("/api/v1/releases", handlers::register);
        routes.get("/api/v1/releases/{id}", handlers::get);
        routes.post("/api/v1/releases/{id}/approve", handlers::approve);
        routes.post("/api/v1/releases/{id}/cancel", handlers::cancel);
        routes.post("/api/v1/releases/{id}/start-test", handlers::startTest);
        routes.get("/api/v1/releases/{id}/plan", handlers::plan);
        routes.get("/api/v1/servers/{id}/maintenance", handlers::maintenance);
        routes.get("/api/v1/applications/{slug}/release-feed", handlers::feed);
        routes.put("/api/v1/applications/{slug}/release-feed", handlers::setFeed);
    }

    private ReleasePipeline pipeline() {
        return deps.pipeline();
    }

    private void list(Context ctx) {
        Access.operator(ctx);
        Long applicationId = ApiRequest.query(ctx, "application_id", Long::valueOf);
        ReleaseState state = ApiRequest.query(ctx, "state", text -> ReleaseState.valueOf(text.toUpperCase(Locale.ROOT)));
        List<Release> items = pipeline().releases().list(applicationId, state, ApiRequest.limit(ctx, 50, 500));
        ctx.json(new ApiViews.PageView<>(items.stream().map(ReleaseViews.ReleaseView::of).toList(), null,
                (long) items.size()));
    }

    private void register(Context ctx) {
        Principal operator = Access.operator(ctx);
        ReleaseViews.ReleaseBody body = ApiRequest.body(ctx, ReleaseViews.ReleaseBody.class);
        long applicationId = ApiRequest.required(body.applicationId(), "application_id");
        if (deps.applications().find(applicationId).isEmpty()) {
            throw new ApiException(422, "unknown_reference", "no application " + applicationId,
                    Map.of("field", "application_id"));
        }
        ReleaseTerms terms = new ReleaseTerms(ApiRequest.required(body.version(), "version"), body.changelog(),
                body.stepsBefore(), body.stepsAfter(), Boolean.TRUE.equals(body.security()), body.cveIds(),
                Boolean.TRUE.equals(body.immediate()),
                body.expectedSeconds() == null ? null : Duration.ofSeconds(body.expectedSeconds()),
                body.waveSize() == null ? ReleaseTerms.DEFAULT_WAVE_SIZE : body.waveSize(),
                body.failureBudget() == null ? ReleaseTerms.DEFAULT_FAILURE_BUDGET : body.failureBudget());
        Release release = pipeline().register(operator.actor(), applicationId, terms, ReleaseSource.OPERATOR);
        ctx.status(201).json(ReleaseViews.ReleaseView.of(release));
    }

    private void get(Context ctx) {
        Access.operator(ctx);
        ctx.json(detail(existing(ctx)));
    }

    private void approve(Context ctx) {
        Principal operator = Access.operator(ctx);
        Release release = existing(ctx);
        pipeline().approve(operator.actor(), release.id());
        ctx.json(detail(release));
    }

    private void cancel(Context ctx) {
        Principal operator = Access.operator(ctx);
        Release release = existing(ctx);
        String reason = ctx.body().isBlank() ? null : ApiRequest.body(ctx, ReleaseViews.CancelBody.class).reason();
        pipeline().cancel(operator.actor(), release.id(), reason);
        ctx.json(detail(release));
    }

    private void startTest(Context ctx) {
        Principal operator = Access.operator(ctx);
        Release release = existing(ctx);
        pipeline().startTest(operator.actor(), release.id());
        ctx.json(detail(release));
    }

    private void plan(Context ctx) {
        Access.operator(ctx);
        Release release = existing(ctx);
        Boolean dryRun = ApiRequest.query(ctx, "dry_run", ReleaseRoutes::bool);
        boolean dry = Boolean.TRUE.equals(dryRun);
        List<ReleasePipeline.PreviewRow> rows = dry ? pipeline().preview(release.id())
                : pipeline().storedPlan(release.id());
        ctx.json(new ReleaseViews.PlanView(release.id(), dry, pipeline().clock().instant(),
                rows.stream().map(ReleaseViews.PlanRowView::of).toList()));
    }

    private static Boolean bool(String text) {
        return switch (text) {
            case "true", "1" -> Boolean.TRUE;
            case "false", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("true or false");
        };
    }

    private void maintenance(Context ctx) {
        Principal principal = Access.user(ctx);
        Server server = ServerRoutes.visibleServer(deps, principal, ApiRequest.id(ctx, "id", "server"));
        var items = pipeline().plans().forServer(server.id()).stream().map(ReleaseViews.MaintenanceItemView::of).toList();
        ctx.json(new ApiViews.PageView<>(items, null, (long) items.size()));
    }

    private void feed(Context ctx) {
        Access.operator(ctx);
        Application application = application(ctx);
        ctx.json(new ReleaseViews.FeedView(application.slug(),
                pipeline().releases().feedUrl(application.id()).orElse(null)));
    }

    private void setFeed(Context ctx) {
        Principal operator = Access.operator(ctx);
        Application application = application(ctx);
        ReleaseViews.FeedBody body = ApiRequest.body(ctx, ReleaseViews.FeedBody.class);
        pipeline().releases().setFeedUrl(operator.actor(), application.id(), body.feedUrl());
        ctx.json(new ReleaseViews.FeedView(application.slug(),
                pipeline().releases().feedUrl(application.id()).orElse(null)));
    }

    private Application application(Context ctx) {
        String slug = ctx.pathParam("slug");
        return deps.applications().findBySlug(slug).orElseThrow(() -> ApiException.notFound("application", slug));
    }

    private Release existing(Context ctx) {
        long id = ApiRequest.id(ctx, "id", "release");
        return pipeline().releases().find(id).orElseThrow(() -> ApiException.notFound("release", id));
    }

    private ReleaseViews.ReleaseDetailView detail(Release release) {
        Release current = pipeline().releases().find(release.id()).orElse(release);
        return ReleaseViews.ReleaseDetailView.of(current, pipeline().releases().targets(release.id()),
                pipeline().plans().notices(release.id()));
    }
}
