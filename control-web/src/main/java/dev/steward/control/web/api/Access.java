package dev.steward.control.web.api;

import dev.steward.control.core.Language;
import dev.steward.control.store.CustomerRepository;
import dev.steward.control.web.auth.Authenticator;
import dev.steward.control.web.auth.Principal;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Who may do what: resolves the principal of every API request (a before-handler), enforces CSRF
 * for cookie-authenticated changes, and gives handlers the three checks they use.
 *
 * <p><b>Authentication.</b> {@code Authorization: Bearer <token>} wins; a present but invalid
 * Authorization header is 401 (never a silent fall-back to the cookie). Otherwise the
 * {@value #SESSION_COOKIE} cookie; an unknown or expired session is anonymous.
 *
 * <p><b>CSRF.</b> A POST, PUT, PATCH or DELETE authenticated by the cookie must carry the
 * session's CSRF token in {@code X-CSRF-Token} (or, for the later HTML forms, the form field
 * {@code csrf_token}); otherwise 403 {@code csrf_token_invalid}. Bearer requests need none: a
 * browser never adds that header by itself.
 *
 * <p><b>Scope.</b> {@link #user} (401 for anonymous), {@link #operator} (and 403 for a customer),
 * {@link #ownCustomer} (404 for another customer's object, so ids cannot be probed).
 *
 * <p>Thread safety: thread-safe; per-request state lives in the {@link Context}.
 */
public final class Access {

    /** The session cookie's name. */
    public static final String SESSION_COOKIE = "steward_session";
    /** The CSRF header. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** The CSRF form field (HTML forms). */
    public static final String CSRF_FIELD = "csrf_token";

    private static final String PRINCIPAL = "steward.principal";
    private static final String LANGUAGE = "steward.language";
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final Authenticator authenticator;
    private final CustomerRepository customers;

    /** @param customers to find a customer account's language */
    public Access(Authenticator authenticator, CustomerRepository customers) {
        this.authenticator = authenticator;
        this.customers = customers;
    }

    /** The before-handler for {@code /api/v1/*}. */
    public void resolve(Context ctx) {
        Principal principal = null;
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new ApiException(401, "invalid_token", "Authorization must be 'Bearer <token>'");
            }
            principal = authenticator.fromToken(authorization.substring(7).strip())
                    .orElseThrow(() -> new ApiException(401, "invalid_token", "the API token is unknown, revoked or expired"));
        } else {
            String sessionId = ctx.cookie(SESSION_COOKIE);
            if (sessionId != null) {
                principal = authenticator.fromSession(sessionId).orElse(null);
            }
        }
        if (principal != null) {
            ctx.attribute(PRINCIPAL, principal);
            Principal who = principal;
            ctx.attribute(LANGUAGE, (Supplier<Language>) () -> who.isOperator() ? null
                    : customers.find(who.customerId()).map(c -> c.language()).orElse(null));
            if (principal.method() == Principal.Method.SESSION && CHANGING.contains(ctx.method().name())) {
                String presented = ctx.header(CSRF_HEADER);
                if (presented == null && isForm(ctx)) {
                    presented = ctx.formParam(CSRF_FIELD);
                }
                if (!Authenticator.csrfMatches(principal, presented)) {
                    throw new ApiException(403, "csrf_token_invalid",
                            "a change made with the session cookie needs the session's CSRF token in " + CSRF_HEADER);
                }
            }
        }
    }

    private static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** The principal, if the request is authenticated. */
    public static Optional<Principal> principal(Context ctx) {
        return Optional.ofNullable(ctx.attribute(PRINCIPAL));
    }

    /**
     * The authenticated principal.
     *
     * @throws ApiException 401 if anonymous
     */
    public static Principal user(Context ctx) {
        return principal(ctx).orElseThrow(() -> new ApiException(401, "unauthenticated",
                "log in (POST /api/v1/session) or send Authorization: Bearer <token>"));
    }

    /**
     * An operator.
     *
     * @throws ApiException 401 if anonymous, 403 for a customer account
     */
    public static Principal operator(Context ctx) {
        Principal principal = user(ctx);
        if (!principal.isOperator()) {
            throw new ApiException(403, "forbidden", "only an operator can do this");
        }
        return principal;
    }

    /**
     * Checks that {@code principal} may see the object of customer {@code customerId}: operators
     * see everything, a customer only their own; anything else is reported as not found.
     *
     * @throws ApiException 404 for another customer's object
     */
    public static void ownCustomer(Principal principal, long customerId, String entity, Object key) {
        if (!principal.isOperator() && principal.customerId() != customerId) {
            throw ApiException.notFound(entity, key);
        }
    }

    /**
     * The language to answer in: a customer's own language; for operators and anonymous requests
     * {@code Accept-Language} ({@code nl…} is Dutch), English otherwise.
     */
    public static Language language(Context ctx) {
        Supplier<Language> customer = ctx.attribute(LANGUAGE);
        Language language = customer == null ? null : customer.get();
        if (language != null) {
            return language;
        }
        String accept = ctx.header("Accept-Language");
        return accept != null && accept.strip().toLowerCase(Locale.ROOT).startsWith("nl") ? Language.NL : Language.EN;
    }
}
