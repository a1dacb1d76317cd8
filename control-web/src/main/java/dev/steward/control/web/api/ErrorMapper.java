package dev.steward.control.web.api;

import dev.steward.control.core.Language;
import dev.steward.control.core.change.Decision;
import dev.steward.control.core.change.InvalidTransitionException;
import dev.steward.control.core.change.PackageChangeRefusedException;
import dev.steward.control.core.release.ReleaseTransitionException;
import dev.steward.control.store.DatabaseUnavailableException;
import dev.steward.control.store.DuplicateNameException;
import dev.steward.control.store.RequestStateChangedException;
import dev.steward.control.store.UnknownEntityException;
import dev.steward.control.web.auth.LoginRateLimitedException;
import dev.steward.control.web.auth.LoginRefusedException;
import dev.steward.control.web.ui.Ui;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one exception handler: every failure of every API handler becomes a JSON body
 * {@code {"code": …, "message": …, "details": {…}}} with its HTTP status; a failure of a UI page
 * becomes the same status with an HTML error page ({@link Ui#error}).
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><th>exception</th><th>status</th><th>code</th></tr>
 *   <tr><td>{@link ApiException}</td><td>its own</td><td>its own</td></tr>
 *   <tr><td>{@link LoginRefusedException}</td><td>401</td><td>login_refused</td></tr>
 *   <tr><td>{@link LoginRateLimitedException}</td><td>429 + Retry-After</td><td>too_many_logins</td></tr>
 *   <tr><td>{@link UnknownEntityException}</td><td>404</td><td>not_found</td></tr>
 *   <tr><td>{@link DuplicateNameException}</td><td>409</td><td>duplicate</td></tr>
 *   <tr><td>{@link RequestStateChangedException}</td><td>409</td><td>state_changed</td></tr>
 *   <tr><td>{@link InvalidTransitionException}</td><td>409 (403 for actor_not_allowed)</td><td>the refusal's code</td></tr>
 *   <tr><td>{@link PackageChangeRefusedException}</td><td>422</td><td>the rule's code; message in the reader's language</td></tr>
 *   <tr><td>{@link ReleaseTransitionException}</td><td>409</td><td>release_state</td></tr>
 *   <tr><td>{@link IllegalArgumentException} (a value broke a domain rule)</td><td>400</td><td>validation_failed</td></tr>
 *   <tr><td>Javalin's own (unknown route, wrong method)</td><td>its status</td><td>not_found, method_not_allowed, …</td></tr>
 *   <tr><td>{@link DatabaseUnavailableException}, or an SQL failure because the database is away
 *       (connection lost, shutting down, starting: {@link #databaseAway})</td><td>503</td><td>database_unavailable</td></tr>
 *   <tr><td>anything else (a bug)</td><td>500, logged once with a correlation id</td><td>internal_error</td></tr>
 * </table>
 *
 * <p>Thread safety: thread-safe (stateless).
 */
public final class ErrorMapper {

    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    /**
     * The request attribute the UI's before-handler sets to its {@link Ui}: a failure of a UI route
     * becomes an HTML error page (401: a redirect to the login form) instead of JSON.
     */
    public static final String UI_ATTRIBUTE = "steward.ui";

    /** The request attribute set once this mapper has written the answer. */
    public static final String HANDLED = "steward.error_handled";

    private ErrorMapper() {
    }

    /** Writes the answer for {@code failure}. */
    public static void handle(Exception failure, Context ctx) {
        Map<String, Object> details = new LinkedHashMap<>();
        int status;
        String code;
        String message = failure.getMessage();
        switch (failure) {
            case ApiException api -> {
                status = api.status();
                code = api.code();
                details.putAll(api.details());
            }
            case LoginRefusedException refused -> {
                status = 401;
                code = "login_refused";
            }
            case LoginRateLimitedException limited -> {
                status = 429;
                code = "too_many_logins";
                details.put("retry_after_seconds", limited.retryAfter().toSeconds());
                ctx.header("Retry-After", Long.toString(limited.retryAfter().toSeconds()));
            }
            case UnknownEntityException unknown -> {
                status = 404;
                code = "not_found";
                details.put("entity", unknown.entity());
            }
            case DuplicateNameException duplicate -> {
                status = 409;
                code = "duplicate";
                details.put("entity", duplicate.entity());
                details.put("name", duplicate.name());
            }
            case RequestStateChangedException changed -> {
                status = 409;
                code = "state_changed";
                details.put("expected", ApiViews.lower(changed.expected()));
                details.put("actual", changed.actual() == null ? null : ApiViews.lower(changed.actual()));
            }
            case InvalidTransitionException invalid -> {
                code = invalid.refusal().code();
                status = "actor_not_allowed".equals(code) ? 403 : 409;
                message = invalid.refusal().reason().in(language(ctx));
                putReason(details, invalid.refusal());
            }
            case PackageChangeRefusedException refused -> {
                status = 422;
                code = refused.refusal().code();
                message = refused.refusal().reason().in(language(ctx));
                putReason(details, refused.refusal());
            }
            case ReleaseTransitionException release -> {
                status = 409;
                code = "release_state";
                details.put("actual", release.actual() == null ? null : ApiViews.lower(release.actual()));
            }
            case IllegalArgumentException invalid -> {
                status = 400;
                code = "validation_failed";
            }
            case HttpResponseException http -> {
                status = http.getStatus();
                code = switch (status) {
                    case 404 -> "not_found";
                    case 405 -> "method_not_allowed";
                    case 413 -> "request_too_large";
                    default -> "http_" + status;
                };
            }
            case DatabaseUnavailableException unavailable -> {
                status = 503;
                code = "database_unavailable";
                message = "the database is not available";
                log.error("database_unavailable path={} reason=\"{}\"", ctx.path(), unavailable.getMessage());
            }
            default -> {
                if (databaseAway(failure)) {
                    // The connection failed or the server is shutting down or starting (a restart,
                    // a crash): not a bug; the client retries, an agent on another instance.
                    status = 503;
                    code = "database_unavailable";
                    message = "the database is not available";
                    log.warn("database_unavailable method={} path={} reason=\"{}\"", ctx.method(), ctx.path(),
                            rootMessage(failure));
                    break;
                }
                status = 500;
                code = "internal_error";
                String correlation = UUID.randomUUID().toString();
                message = "internal error; quote " + correlation + " to the operator";
                details.put("correlation_id", correlation);
                log.error("internal_error correlation_id={} method={} path={}", correlation, ctx.method(), ctx.path(),
                        failure);
            }
        }
        ctx.attribute(HANDLED, Boolean.TRUE);
        Ui ui = ctx.attribute(UI_ATTRIBUTE);
        if (ui != null) {
            ui.error(ctx, status, code, message == null ? code : message);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message == null ? code : message);
        body.put("details", details);
        ctx.status(status).json(body);
    }

    /**
     * Whether {@code failure} was caused by the database being away: an {@link SQLException} in its
     * causes with SQLSTATE class 08 (connection exception) or 57P01..57P03 (admin shutdown, crash
     * shutdown, cannot connect now), or the pool's {@link SQLTransientConnectionException} (no
     * connection within its timeout).
     */
    static boolean databaseAway(Throwable failure) {
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth < 20; cause = cause.getCause(), depth++) {
            if (cause instanceof SQLTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && depth < 20; depth++) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage()).replace('"', '\'');
    }

    /** The reader's language: the UI's choice (the switch's cookie) on pages, the API's otherwise. */
    private static Language language(Context ctx) {
        Ui ui = ctx.attribute(UI_ATTRIBUTE);
        return ui == null ? Access.language(ctx) : ui.language(ctx);
    }

    private static void putReason(Map<String, Object> details, Decision.Refused refusal) {
        details.put("reason", Map.of(Language.NL.code(), refusal.reason().nl(), Language.EN.code(), refusal.reason().en()));
    }
}
