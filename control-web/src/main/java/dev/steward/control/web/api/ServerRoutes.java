package dev.steward.control.web.api;

import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.core.fleet.ServerRole;
import dev.steward.control.store.Page;
import dev.steward.control.store.ServerQuery;
import dev.steward.control.store.ServerRegistration;
import dev.steward.control.web.auth.Principal;
import dev.steward.control.web.notify.DkimNotifier;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/servers}: operators list (filter by customer, application, role, search text;
 * keyset pages), register and read every server, and register a server's DKIM key (which e-mails the
 * customer the record to publish); a customer lists and reads only their own (the customer filter
 * is forced, another's server is 404).
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class ServerRoutes {

    private static final Pattern SELECTOR = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");

    private final ApiDependencies deps;

    private ServerRoutes(ApiDependencies deps) {
        this.deps = deps;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps) {
        ServerRoutes handlers = new ServerRoutes(deps);
        routes.get("/api/v1/servers", handlers::list);
        routes.post("/api/v1/servers", handlers::register);
        routes.get("/api/v1/servers/{id}", handlers::get);
        routes.put("/api/v1/servers/{id}/dkim", handlers::setDkim);
    }

    private void list(Context ctx) {
        Principal principal = Access.user(ctx);
        Long customerId = ApiRequest.query(ctx, "customer_id", Long::valueOf);
        if (!principal.isOperator()) {
            // A customer's filter is their own customer, whatever they asked for.
            customerId = principal.customerId();
        }
        ServerRole role = ApiRequest.query(ctx, "role", text -> ServerRole.valueOf(text.toUpperCase(Locale.ROOT)));
        ServerQuery query = new ServerQuery(customerId, ApiRequest.query(ctx, "application_id", Long::valueOf), role,
                ctx.queryParam("q"), ctx.queryParam("cursor"), ApiRequest.limit(ctx, 50, 500));
        Page<Server> page = deps.servers().search(query);
        Map<Long, Optional<Application>> applications = new HashMap<>();
        var items = page.items().stream().map(server -> ApiViews.ServerView.of(server,
                applications.computeIfAbsent(server.applicationId(), deps.applications()::find).orElse(null),
                null)).toList();
        ctx.json(new ApiViews.PageView<>(items, page.nextCursor(), page.total()));
    }

    private void register(Context ctx) {
        Principal operator = Access.operator(ctx);
        ApiViews.ServerBody body = ApiRequest.body(ctx, ApiViews.ServerBody.class);
        ServerName name = ServerName.parse(ApiRequest.required(body.name(), "name"));
        if (!name.domain().equals(deps.providerDomain())) {
            throw ApiException.invalid("name", "must end in the provider domain " + deps.providerDomain());
        }
        long customerId = ApiRequest.required(body.customerId(), "customer_id");
        long applicationId = ApiRequest.required(body.applicationId(), "application_id");
        if (deps.customers().find(customerId).isEmpty()) {
            throw new ApiException(422, "unknown_reference", "no customer " + customerId, Map.of("field", "customer_id"));
        }
        if (deps.applications().find(applicationId).isEmpty()) {
            throw new ApiException(422, "unknown_reference", "no application " + applicationId,
                    Map.of("field", "application_id"));
        }
        Server server = Server.register(name, customerId, applicationId, ApiRequest.required(body.appHost(), "app_host"));
        Server created = deps.servers().register(operator.actor(), new ServerRegistration(server,
                ApiRequest.required(body.ipv4(), "ipv4"), ApiRequest.required(body.ipv6(), "ipv6")));
        ctx.status(201).json(view(created));
    }

    private void get(Context ctx) {
        Principal principal = Access.user(ctx);
        ctx.json(view(visibleServer(deps, principal, ApiRequest.id(ctx, "id", "server"))));
    }

    /**
     * Registers the server's DKIM selector and public key and e-mails the customer's contacts the
     * TXT record to publish (DNS-3). Registering the same key again sends the notice again (the
     * operator's retry after a failed send). The key is stored even when the notice fails; the
     * reply says what happened to the notice.
     */
    private void setDkim(Context ctx) {
        Principal operator = Access.operator(ctx);
        long id = ApiRequest.id(ctx, "id", "server");
        deps.servers().find(id).orElseThrow(() -> ApiException.notFound("server", id));
        ApiViews.DkimBody body = ApiRequest.body(ctx, ApiViews.DkimBody.class);
        String selector = body.selector() == null ? "nexx" : body.selector().strip().toLowerCase(Locale.ROOT);
        if (!SELECTOR.matcher(selector).matches()) {
            throw ApiException.invalid("selector", "must be a DNS label (letters, digits, hyphens; 1..63)");
        }
        String key = ApiRequest.required(body.publicKey(), "public_key").replaceAll("\\s+", "");
        if (!BASE64.matcher(key).matches() || key.length() < 40 || key.length() > 3000) {
            throw ApiException.invalid("public_key", "must be the key's base64 (the p= value of the DKIM record)");
        }
        try {
            java.util.Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException notBase64) {
            throw ApiException.invalid("public_key", "is not valid base64: " + notBase64.getMessage());
        }
        Server updated = deps.servers().setDkimKey(operator.actor(), id, selector, key);
        DkimNotifier.Outcome outcome = deps.dkimNotifier().notify(operator.actor(), updated);
        ctx.json(new ApiViews.DkimView(view(updated), new ApiViews.NoticeView(
                outcome.status().name().toLowerCase(Locale.ROOT), outcome.detail(), outcome.owner(), outcome.value())));
    }

    private ApiViews.ServerView view(Server server) {
        return ApiViews.ServerView.of(server, deps.applications().find(server.applicationId()).orElse(null),
                deps.servers().addresses(server.id()));
    }

    /** The server if {@code principal} may see it; 404 otherwise, the same as for a missing one. */
    static Server visibleServer(ApiDependencies deps, Principal principal, long id) {
        Server server = deps.servers().find(id).orElseThrow(() -> ApiException.notFound("server", id));
        Access.ownCustomer(principal, server.customerId(), "server", id);
        return server;
    }
}
