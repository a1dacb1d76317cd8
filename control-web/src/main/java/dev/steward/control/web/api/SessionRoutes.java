package dev.steward.control.web.api;

import dev.steward.control.web.auth.Authenticator;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code /api/v1/session}: log in (POST), who am I and my CSRF token (GET), log out (DELETE).
 *
 * <p>The cookie is {@code steward_session=<id>; Path=/; HttpOnly; SameSite=Lax; Max-Age=<lifetime>}
 * plus {@code Secure} when the public URL is https.
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class SessionRoutes {

    private final ApiDependencies deps;

    private SessionRoutes(ApiDependencies deps) {
        this.deps = deps;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps) {
        SessionRoutes handlers = new SessionRoutes(deps);
        routes.post("/api/v1/session", handlers::login);
        routes.get("/api/v1/session", handlers::current);
        routes.delete("/api/v1/session", handlers::logout);
    }

    private void login(Context ctx) {
        ApiViews.LoginBody body = ApiRequest.body(ctx, ApiViews.LoginBody.class);
        Authenticator.Login login = deps.authenticator().login(body.login(), body.password(), ctx.ip());
        ctx.header("Set-Cookie", cookie(login.sessionId(), deps.authenticator().sessionLifetime().toSeconds()));
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).json(ApiViews.SessionView.of(login.principal()));
    }

    private void current(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.json(ApiViews.SessionView.of(Access.user(ctx)));
    }

    private void logout(Context ctx) {
        Principal principal = Access.user(ctx);
        if (principal.method() != Principal.Method.SESSION) {
            throw new ApiException(400, "not_a_session", "this request uses an API token; revoke the token instead");
        }
        deps.authenticator().logout(principal, ctx.cookie(Access.SESSION_COOKIE));
        ctx.header("Set-Cookie", cookie("", 0));
        ctx.status(204);
    }

    private String cookie(String value, long maxAgeSeconds) {
        return Access.SESSION_COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                + (deps.secureCookies() ? "; Secure" : "");
    }
}
