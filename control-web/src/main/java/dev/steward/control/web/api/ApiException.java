package dev.steward.control.web.api;

import java.util.Map;

/**
 * An HTTP answer other than success, decided by a handler (Javalin's {@code HttpResponseException},
 * with our body): the {@link ErrorMapper} writes it as {@code {code, message, details}}.
 *
 * <p>Thread safety: immutable.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, Object> details;

    /**
     * @param status the HTTP status
     * @param code a stable machine-readable code, e.g. {@code validation_failed}
     * @param message for people
     * @param details more facts; empty if none
     */
    public ApiException(int status, String code, String message, Map<String, Object> details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = Map.copyOf(details);
    }

    /** Without details. */
    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    /** 400 for a missing or invalid field. */
    public static ApiException invalid(String field, String rule) {
        return new ApiException(400, "validation_failed", field + ": " + rule, Map.of("field", field));
    }

    /** 404 in words that do not say whether the thing exists for someone else. */
    public static ApiException notFound(String entity, Object key) {
        return new ApiException(404, "not_found", "no " + entity + " " + key, Map.of("entity", entity));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }
}
