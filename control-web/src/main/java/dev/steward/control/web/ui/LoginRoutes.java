package dev.steward.control.web.ui;

import dev.steward.control.store.TokenHash;
import dev.steward.control.web.api.Access;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.auth.Authenticator;
import dev.steward.control.web.auth.LoginRateLimitedException;
import dev.steward.control.web.auth.LoginRefusedException;
import dev.steward.control.web.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The login form, logout, the home redirect and the language switch.
 *
 * <p><b>Login CSRF.</b> {@code Access} guards only authenticated changes, so the login form guards
 * itself with a double-submit token: {@code GET /login} sets a random pre-session token in the
 * {@value #LOGIN_CSRF_COOKIE} cookie (HttpOnly, SameSite=Strict, Path=/login) and in a hidden
 * field; {@code POST /login} needs both, equal (constant-time compare), or answers 403 without
 * checking the password. A cross-site page can neither read the cookie nor set it, so it cannot
 * log a victim into the attacker's account.
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class LoginRoutes {

    /** The pre-session CSRF cookie of the login form. */
    public static final String LOGIN_CSRF_COOKIE = "steward_login_csrf";

    private final ApiDependencies deps;
    private final Ui ui;

    private LoginRoutes(ApiDependencies deps, Ui ui) {
        this.deps = deps;
        this.ui = ui;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps, Ui ui) {
        LoginRoutes handlers = new LoginRoutes(deps, ui);
        routes.get("/", handlers::home);
        routes.get("/login", handlers::form);
        routes.post("/login", handlers::login);
        routes.post("/logout", handlers::logout);
        routes.get("/language/{code}", handlers::language);
    }

    private void home(Context ctx) {
        Principal principal = Access.principal(ctx).orElse(null);
        String target = principal == null ? "/login" : principal.isOperator() ? "/operator/servers" : "/servers";
        ctx.redirect(target, HttpStatus.SEE_OTHER);
    }

    private void form(Context ctx) {
        if (Access.principal(ctx).isPresent()) {
            home(ctx);
            return;
        }
        showForm(ctx, 200, null);
    }

    private void showForm(Context ctx, int status, String errorKey) {
        String token = TokenHash.newToken();
        ctx.header("Set-Cookie", LOGIN_CSRF_COOKIE + "=" + token + "; Path=/login; HttpOnly; SameSite=Strict"
                + (deps.secureCookies() ? "; Secure" : ""));
        String next = ctx.queryParam("next");
        if (next == null) {
            next = ctx.formParam("next");
        }
        View view = ui.view(ctx);
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        ui.render(ctx, view, "login.jte", "loginCsrf", token, "next", Ui.isLocalPath(next) ? next : "",
                "error", errorKey == null ? "" : view.t(errorKey), "login", ctx.formParam("login") == null ? ""
                        : ctx.formParam("login"));
    }

    private void login(Context ctx) {
        String cookie = ctx.cookie(LOGIN_CSRF_COOKIE);
        String field = ctx.formParam("login_csrf");
        if (cookie == null || field == null || !MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8),
                field.getBytes(StandardCharsets.UTF_8))) {
            showForm(ctx, 403, "login.csrf");
            return;
        }
        Authenticator.Login login;
        try {
            login = deps.authenticator().login(ctx.formParam("login"), ctx.formParam("password"), ctx.ip());
        } catch (LoginRefusedException refused) {
            showForm(ctx, 401, "login.refused");
            return;
        } catch (LoginRateLimitedException limited) {
            ctx.header("Retry-After", Long.toString(limited.retryAfter().toSeconds()));
            showForm(ctx, 429, "login.limited");
            return;
        }
        ctx.res().addHeader("Set-Cookie", Access.SESSION_COOKIE + "=" + login.sessionId() + "; Path=/; Max-Age="
                + deps.authenticator().sessionLifetime().toSeconds() + "; HttpOnly; SameSite=Lax"
                + (deps.secureCookies() ? "; Secure" : ""));
        ctx.res().addHeader("Set-Cookie", LOGIN_CSRF_COOKIE + "=; Path=/login; Max-Age=0; HttpOnly; SameSite=Strict");
        String next = ctx.formParam("next");
        String home = login.principal().isOperator() ? "/operator/servers" : "/servers";
        ctx.redirect(Ui.isLocalPath(next) && !next.startsWith("/login") ? next : home, HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        // Access has checked the CSRF field already (an authenticated POST).
        Principal principal = Access.user(ctx);
        if (principal.method() == Principal.Method.SESSION) {
            deps.authenticator().logout(principal, ctx.cookie(Access.SESSION_COOKIE));
            ctx.header("Set-Cookie", Access.SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
                    + (deps.secureCookies() ? "; Secure" : ""));
        }
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    private void language(Context ctx) {
        String code = ctx.pathParam("code");
        if (!code.equals("nl") && !code.equals("en")) {
            throw new io.javalin.http.NotFoundResponse();
        }
        // Only the display language changes, so a link (GET) is enough; the target stays on this site.
        ctx.header("Set-Cookie", Ui.LANGUAGE_COOKIE + "=" + code + "; Path=/; Max-Age=31536000; SameSite=Lax"
                + (deps.secureCookies() ? "; Secure" : ""));
        String back = ctx.queryParam("back");
        ctx.redirect(Ui.isLocalPath(back) ? back : "/", HttpStatus.SEE_OTHER);
    }
}
