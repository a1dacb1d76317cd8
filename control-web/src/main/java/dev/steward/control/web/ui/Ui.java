package dev.steward.control.web.ui;

import dev.steward.control.core.Language;
import dev.steward.control.store.CustomerRepository;
import dev.steward.control.web.api.Access;
import dev.steward.control.web.auth.Principal;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The web UI's mechanism shared by the page routes: rendering a precompiled JTE template (HTML
 * escaping by default) with the page's {@link View}, the reader's language, the security headers,
 * and the error page (an anonymous reader is sent to the login form instead). Scope checks are the
 * API's ({@link Access#user}, {@link Access#operator}, {@link Access#ownCustomer}).
 *
 * <p><b>Language.</b> The {@value #LANGUAGE_COOKIE} cookie (set by the switch) wins; otherwise a
 * customer reads their customer record's language, an operator English, and an anonymous reader
 * Dutch when the browser asks for it first ({@code Accept-Language: nl…}), English otherwise.
 *
 * <p>Thread safety: thread-safe; the template engine and message tables are immutable.
 */
public final class Ui {

    /** The language switch's cookie. */
    public static final String LANGUAGE_COOKIE = "steward_lang";

    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);
    private final Messages messages = new Messages();
    private final CustomerRepository customers;

    /** @param customers to find a customer account's language */
    public Ui(CustomerRepository customers) {
        this.customers = customers;
    }

    public Messages messages() {
        return messages;
    }

    /** The language to render in (see the class comment). */
    public Language language(Context ctx) {
        String chosen = ctx.cookie(LANGUAGE_COOKIE);
        if (chosen != null) {
            try {
                return Language.fromCode(chosen);
            } catch (IllegalArgumentException ignored) {
                // A tampered cookie falls back to the default below.
            }
        }
        Principal principal = Access.principal(ctx).orElse(null);
        if (principal != null) {
            if (principal.isOperator()) {
                return Language.EN;
            }
            return customers.find(principal.customerId()).map(c -> c.language()).orElse(Language.EN);
        }
        String accept = ctx.header("Accept-Language");
        return accept != null && accept.strip().toLowerCase(Locale.ROOT).startsWith("nl") ? Language.NL : Language.EN;
    }

    /** The view for this request. */
    public View view(Context ctx) {
        String query = ctx.queryString();
        return new View(language(ctx), messages, Access.principal(ctx).orElse(null),
                ctx.path() + (query == null ? "" : "?" + query));
    }

    /** Renders {@code template} with {@code view} and the given parameters, as the answer. */
    public void render(Context ctx, String template, Object... params) {
        render(ctx, view(ctx), template, params);
    }

    /** Renders with a prepared view; {@code params} are name, value pairs. */
    public void render(Context ctx, View view, String template, Object... params) {
        if (params.length % 2 != 0) {
            throw new IllegalArgumentException("params are name, value pairs");
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("view", view);
        for (int i = 0; i < params.length; i += 2) {
            model.put((String) params[i], params[i + 1]);
        }
        StringOutput output = new StringOutput();
        engine.render(template, model, output);
        headers(ctx, view.loggedIn());
        ctx.html(output.toString());
    }

    /** The headers every page gets: CSP without inline script, no framing, no caching of private pages. */
    static void headers(Context ctx, boolean personal) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        if (personal) {
            ctx.header("Cache-Control", "no-store");
        }
    }

    /** Whether {@code target} is a safe local path to send the browser back to (no open redirect). */
    public static boolean isLocalPath(String target) {
        return target != null && target.startsWith("/") && !target.startsWith("//") && !target.startsWith("/\\")
                && target.length() <= 2000 && target.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    /** Renders the error page for a failure of a UI route: 401 becomes a redirect to the login form. */
    public void error(Context ctx, int status, String code, String detail) {
        if (status == 401) {
            String back = ctx.method().name().equals("GET") && isLocalPath(ctx.path()) ? ctx.path() : "/";
            ctx.redirect("/login?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
            return;
        }
        View view = view(ctx);
        String key = "error." + status;
        String title = messages.has(key) ? view.t(key) : view.t("error.other", status);
        ctx.status(status);
        render(ctx, view, "error.jte", "title", title, "code", code, "detail", detail == null ? "" : detail);
    }
}
