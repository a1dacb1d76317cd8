package dev.steward.control.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reading requests: JSON bodies, path ids and query parameters, each refused with a 400 that names
 * the field.
 *
 * <p>Thread safety: thread-safe (stateless).
 */
final class ApiRequest {

    private ApiRequest() {
    }

    /**
     * The body as {@code type}; the request must say {@code Content-Type: application/json} (which
     * a cross-site HTML form cannot send without a CORS preflight).
     */
    static <T> T body(Context ctx, Class<T> type) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send the body as Content-Type: application/json");
        }
        try {
            T value = Json.MAPPER.readValue(ctx.body(), type);
            if (value == null) {
                throw new ApiException(400, "malformed_json", "the body must be a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException unknown) {
            throw new ApiException(400, "validation_failed", "unknown field: " + unknown.getPropertyName(),
                    Map.of("field", unknown.getPropertyName()));
        } catch (JsonProcessingException malformed) {
            throw new ApiException(400, "malformed_json", "the body is not the expected JSON: "
                    + malformed.getOriginalMessage());
        }
    }

    /** A required field of a body. */
    static <T> T required(T value, String field) {
        if (value == null || value instanceof String text && text.isBlank()) {
            throw ApiException.invalid(field, "is required");
        }
        return value;
    }

    /** A path parameter that is a positive id; anything else is not found (nothing to probe). */
    static long id(Context ctx, String name, String entity) {
        String text = ctx.pathParam(name);
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException notNumber) {
            // fall through
        }
        throw ApiException.notFound(entity, text);
    }

    /** An optional query parameter, parsed; a bad value is 400. */
    static <T> T query(Context ctx, String name, Function<String, T> parser) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException bad) {
            throw ApiException.invalid(name, "invalid value '" + text + "'");
        }
    }

    /** {@code ?limit=}, 1..max, default {@code fallback}. */
    static int limit(Context ctx, int fallback, int max) {
        Integer limit = query(ctx, "limit", Integer::valueOf);
        if (limit == null) {
            return fallback;
        }
        if (limit < 1 || limit > max) {
            throw ApiException.invalid("limit", "must be 1.." + max);
        }
        return limit;
    }
}
