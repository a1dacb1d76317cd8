package dev.steward.control.web.api;

import dev.steward.control.core.change.PackageChange;
import dev.steward.control.core.change.PackageChangeKind;
import dev.steward.control.core.change.RequestState;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;

/**
 * Package-change requests (PKG-2..PKG-5).
 *
 * <ul>
 *   <li>{@code POST /api/v1/servers/{id}/package-changes}: the owning customer or an operator
 *       asks; {@link dev.steward.control.core.change.PackageRules} decides (422 with the reason in
 *       the reader's language when refused).</li>
 *   <li>{@code GET /api/v1/servers/{id}/package-changes}, {@code GET /api/v1/package-changes},
 *       {@code GET /api/v1/package-changes/{id}}: within the reader's scope.</li>
 *   <li>{@code POST /api/v1/package-changes/{id}/approve|refuse|schedule|done}: operators. The store
 *       applies each transition as a conditional update, so the same transition through two
 *       instances is applied once; the loser gets 409.</li>
 * </ul>
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class PackageChangeRoutes {

    private final ApiDependencies deps;

    private PackageChangeRoutes(ApiDependencies deps) {
        this.deps = deps;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps) {
        PackageChangeRoutes handlers = new PackageChangeRoutes(deps);
        routes.get("/api/v1/servers/{id}/package-changes", handlers::forServer);
        routes.post("/api/v1/servers/{id}/package-changes", handlers::request);
        routes.get("/api/v1/package-changes", handlers::list);
        routes.get("/api/v1/package-changes/{id}", handlers::get);
        routes.post("/api/v1/package-changes/{id}/approve", handlers::approve);
        routes.post("/api/v1/package-changes/{id}/refuse", handlers::refuse);
        routes.post("/api/v1/package-changes/{id}/schedule", handlers::schedule);
        routes.post("/api/v1/package-changes/{id}/done", handlers::done);
    }

    private void forServer(Context ctx) {
        Principal principal = Access.user(ctx);
        Server server = ServerRoutes.visibleServer(deps, principal, ApiRequest.id(ctx, "id", "server"));
        var items = deps.changes().forServer(server.id()).stream().map(ApiViews.PackageChangeView::of).toList();
        ctx.json(new ApiViews.PageView<>(items, null, (long) items.size()));
    }

    private void request(Context ctx) {
        Principal principal = Access.user(ctx);
        Server server = ServerRoutes.visibleServer(deps, principal, ApiRequest.id(ctx, "id", "server"));
        ApiViews.PackageChangeBody body = ApiRequest.body(ctx, ApiViews.PackageChangeBody.class);
        PackageChangeKind kind = PackageChangeKind.fromCode(ApiRequest.required(body.kind(), "kind"));
        PackageChange created = deps.changes().request(principal.actor(), server.id(), kind);
        ctx.status(201).json(ApiViews.PackageChangeView.of(created));
    }

    private void list(Context ctx) {
        Principal principal = Access.user(ctx);
        RequestState state = ApiRequest.query(ctx, "state", text -> RequestState.valueOf(text.toUpperCase(Locale.ROOT)));
        Long before = ApiRequest.query(ctx, "cursor", Long::valueOf);
        int limit = ApiRequest.limit(ctx, 50, 500);
        List<PackageChange> page = deps.changes().list(principal.isOperator() ? null : principal.customerId(), state,
                before, limit);
        String next = page.size() == limit ? Long.toString(page.getLast().id()) : null;
        ctx.json(new ApiViews.PageView<>(page.stream().map(ApiViews.PackageChangeView::of).toList(), next, null));
    }

    private void get(Context ctx) {
        Principal principal = Access.user(ctx);
        ctx.json(ApiViews.PackageChangeView.of(visibleChange(principal, ApiRequest.id(ctx, "id", "package change"))));
    }

    private void approve(Context ctx) {
        Principal operator = Access.operator(ctx);
        long id = existing(ctx);
        ctx.json(ApiViews.PackageChangeView.of(deps.changes().approve(operator.actor(), id)));
    }

    private void refuse(Context ctx) {
        Principal operator = Access.operator(ctx);
        long id = existing(ctx);
        ApiViews.RefuseBody body = ApiRequest.body(ctx, ApiViews.RefuseBody.class);
        ctx.json(ApiViews.PackageChangeView.of(deps.changes().refuse(operator.actor(), id,
                ApiRequest.required(body.reason(), "reason"))));
    }

    private void schedule(Context ctx) {
        Principal operator = Access.operator(ctx);
        long id = existing(ctx);
        ApiViews.ScheduleBody body = ApiRequest.body(ctx, ApiViews.ScheduleBody.class);
        ctx.json(ApiViews.PackageChangeView.of(deps.changes().schedule(operator.actor(), id,
                ApiRequest.required(body.scheduledFor(), "scheduled_for"))));
    }

    private void done(Context ctx) {
        Principal operator = Access.operator(ctx);
        long id = existing(ctx);
        ApiViews.DoneBody body = ApiRequest.body(ctx, ApiViews.DoneBody.class);
        ctx.json(ApiViews.PackageChangeView.of(deps.changes().complete(operator.actor(), id, body.assignedAddress())));
    }

    private long existing(Context ctx) {
        long id = ApiRequest.id(ctx, "id", "package change");
        deps.changes().find(id).orElseThrow(() -> ApiException.notFound("package change", id));
        return id;
    }

    private PackageChange visibleChange(Principal principal, long id) {
        PackageChange change = deps.changes().find(id).orElseThrow(() -> ApiException.notFound("package change", id));
        Server server = deps.servers().find(change.serverId()).orElseThrow(() -> ApiException.notFound("package change", id));
        Access.ownCustomer(principal, server.customerId(), "package change", id);
        return change;
    }
}
