package dev.steward.control.web.api;

import dev.steward.control.core.Customer;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;

/**
 * The customer's iCal feed (MAINT-3, UPD-3): {@code GET /calendar/{token}.ics}, the customer's
 * planned maintenance ({@link dev.steward.control.web.notify.CustomerCalendar}) for calendar
 * programs to subscribe to. No cookie and no API token: the secret in the address is the credential
 * (only its SHA-256 is stored); an unknown token is 404, like any missing page.
 *
 * <p>{@code POST /api/v1/customers/{id}/calendar-token} makes a new secret address and returns it
 * once (the previous address stops working): a customer account for its own customer (another
 * customer's is 404), or an operator for any.
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class CalendarRoutes {

    /** The feed's path for {@code token}. */
    public static String feedPath(String token) {
        return "/calendar/" + token + ".ics";
    }

    /**
     * A new feed address, shown once.
     *
     * @param token the secret
     * @param path the feed's path
     * @param url the feed's address as this request reached the control plane
     */
    record CalendarTokenView(String token, String path, String url) {
    }

    private final ApiDependencies deps;

    private CalendarRoutes(ApiDependencies deps) {
        this.deps = deps;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps) {
        CalendarRoutes handlers = new CalendarRoutes(deps);
        routes.get("/calendar/{token}.ics", handlers::feed);
        routes.post("/api/v1/customers/{id}/calendar-token", handlers::newToken);
    }

    private void feed(Context ctx) {
        String token = ctx.pathParam("token");
        Customer customer = deps.customerCalendar().repository().customerOfToken(token)
                .flatMap(id -> deps.customers().find(id))
                .orElseThrow(() -> ApiException.notFound("calendar", "at this address"));
        byte[] ics = deps.customerCalendar().ics(customer).getBytes(StandardCharsets.UTF_8);
        ctx.header("Cache-Control", "no-store");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Disposition", "inline; filename=\"maintenance.ics\"");
        ctx.contentType("text/calendar; charset=utf-8").result(ics);
    }

    private void newToken(Context ctx) {
        Principal principal = Access.user(ctx);
        long id = ApiRequest.id(ctx, "id", "customer");
        Access.ownCustomer(principal, id, "customer", id);
        deps.customers().find(id).orElseThrow(() -> ApiException.notFound("customer", id));
        String token = deps.customerCalendar().repository().issueToken(principal.actor(), id);
        ctx.header("Cache-Control", "no-store");
        ctx.json(new CalendarTokenView(token, feedPath(token), baseUrl(ctx) + feedPath(token)));
    }

    /** The scheme, host and port this request came in on, e.g. {@code https://steward.hosting.example}. */
    public static String baseUrl(Context ctx) {
        String host = ctx.host();
        return ctx.scheme() + "://" + (host == null ? "localhost" : host);
    }
}
