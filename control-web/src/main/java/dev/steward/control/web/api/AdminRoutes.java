package dev.steward.control.web.api;

import dev.steward.control.store.Account;
import dev.steward.control.store.AuditEntry;
import dev.steward.control.web.auth.AccountAdmin;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;

/**
 * Operator administration: accounts, their API tokens, and the audit log.
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class AdminRoutes {

    private final ApiDependencies deps;

    private AdminRoutes(ApiDependencies deps) {
        this.deps = deps;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps) {
        AdminRoutes handlers = new AdminRoutes(deps);
        routes.get("/api/v1/accounts", handlers::accounts);
        routes.post("/api/v1/accounts", handlers::createAccount);
        routes.get("/api/v1/accounts/{id}/tokens", handlers::tokens);
        routes.post("/api/v1/accounts/{id}/tokens", handlers::createToken);
        routes.delete("/api/v1/accounts/{id}/tokens/{token_id}", handlers::revokeToken);
        routes.get("/api/v1/audit-log", handlers::auditLog);
    }

    private void accounts(Context ctx) {
        Access.operator(ctx);
        var items = deps.accounts().list().stream().map(ApiViews.AccountView::of).toList();
        ctx.json(new ApiViews.PageView<>(items, null, (long) items.size()));
    }

    private void createAccount(Context ctx) {
        Principal operator = Access.operator(ctx);
        ApiViews.AccountBody body = ApiRequest.body(ctx, ApiViews.AccountBody.class);
        Account.Role role = Account.Role.valueOf(ApiRequest.required(body.role(), "role").toUpperCase(Locale.ROOT));
        if (body.customerId() != null && deps.customers().find(body.customerId()).isEmpty()) {
            throw new ApiException(422, "unknown_reference", "no customer " + body.customerId(),
                    java.util.Map.of("field", "customer_id"));
        }
        Account created = deps.admin().create(operator.actor(), ApiRequest.required(body.login(), "login"), role,
                body.customerId(), ApiRequest.required(body.password(), "password"));
        ctx.status(201).json(ApiViews.AccountView.of(created));
    }

    private void tokens(Context ctx) {
        Access.operator(ctx);
        long accountId = account(ctx);
        var items = deps.tokens().forAccount(accountId).stream().map(ApiViews.TokenView::of).toList();
        ctx.json(new ApiViews.PageView<>(items, null, (long) items.size()));
    }

    private void createToken(Context ctx) {
        Principal operator = Access.operator(ctx);
        long accountId = account(ctx);
        ApiViews.TokenBody body = ApiRequest.body(ctx, ApiViews.TokenBody.class);
        AccountAdmin.NewToken token = deps.admin().createToken(operator.actor(), accountId,
                ApiRequest.required(body.label(), "label"), body.expiresAt());
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).json(new ApiViews.NewTokenView(token.token(), ApiViews.TokenView.of(token.record())));
    }

    private void revokeToken(Context ctx) {
        Principal operator = Access.operator(ctx);
        long accountId = account(ctx);
        long tokenId = ApiRequest.id(ctx, "token_id", "api token");
        deps.tokens().revoke(operator.actor(), accountId, tokenId);
        ctx.status(204);
    }

    private void auditLog(Context ctx) {
        Access.operator(ctx);
        Long before = ApiRequest.query(ctx, "cursor", Long::valueOf);
        int limit = ApiRequest.limit(ctx, 100, 1000);
        List<AuditEntry> page = deps.audit().page(before, limit);
        String next = page.size() == limit ? Long.toString(page.getLast().id()) : null;
        ctx.json(new ApiViews.PageView<>(page.stream().map(ApiViews.AuditEntryView::of).toList(), next, null));
    }

    private long account(Context ctx) {
        long id = ApiRequest.id(ctx, "id", "account");
        deps.accounts().find(id).orElseThrow(() -> ApiException.notFound("account", id));
        return id;
    }
}
