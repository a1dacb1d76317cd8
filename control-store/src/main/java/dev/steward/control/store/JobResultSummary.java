package dev.steward.control.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.control.core.job.Job;
import java.io.IOException;

/**
 * The parts of a job's result (the agent's JSON, kept as-is on the job row) that people read: for
 * an OS update the packages upgraded, whether the server rebooted and the downtime; for an
 * application update whether a failed server was rolled back and the error; for a job the control
 * plane withdrew (EXPIRED, CANCELLED) the reason.
 *
 * <p>Read leniently, because the result is the agent's: {@code packages_upgraded} (a list of
 * packages, or a number) or {@code packages}; {@code reboot} or {@code rebooted};
 * {@code downtime_seconds}; {@code rolled_back}; {@code error} or {@code message}; {@code reason}.
 * A part that is missing or of another type is null; a result that is not JSON has only
 * {@code error}: the text itself (at most 200 characters).
 *
 * <p>Thread safety: immutable.
 *
 * @param packages how many packages were upgraded, or null
 * @param reboot whether the server rebooted, or null
 * @param downtimeSeconds how long the application was down, or null
 * @param rolledBack whether a failed update was rolled back, or null
 * @param error what went wrong, or null
 * @param reason why the control plane withdrew the job, or null
 */
public record JobResultSummary(Integer packages, Boolean reboot, Long downtimeSeconds, Boolean rolledBack, String error,
                               String reason) {

    /** Nothing known. */
    public static final JobResultSummary EMPTY = new JobResultSummary(null, null, null, null, null, null);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @return the summary of {@code job}'s result ({@link #EMPTY} when it has none) */
    public static JobResultSummary of(Job job) {
        return parse(job.result());
    }

    /** @return the summary of a result text ({@link #EMPTY} for null or blank) */
    public static JobResultSummary parse(String result) {
        if (result == null || result.isBlank()) {
            return EMPTY;
        }
        JsonNode root;
        try {
            root = JSON.readTree(result);
        } catch (IOException notJson) {
            return new JobResultSummary(null, null, null, null, shorten(result.strip()), null);
        }
        if (root == null || !root.isObject()) {
            return new JobResultSummary(null, null, null, null, shorten(result.strip()), null);
        }
        // The job API stores an agent's result as {status, duration_seconds, health, details}; the
        // executor's figures are in details. A flat object (older rows, tests) is read as it is.
        JsonNode details = root.get("details");
        if (details != null && details.isObject()) {
            root = details;
        }
        JsonNode packages = first(root, "packages_upgraded", "packages");
        Integer packageCount = packages == null ? null
                : packages.isArray() ? Integer.valueOf(packages.size())
                : packages.canConvertToInt() && packages.isIntegralNumber() ? Integer.valueOf(packages.intValue()) : null;
        JsonNode reboot = first(root, "reboot", "rebooted");
        JsonNode downtime = root.get("downtime_seconds");
        JsonNode rolledBack = root.get("rolled_back");
        JsonNode error = first(root, "error", "message");
        JsonNode reason = root.get("reason");
        return new JobResultSummary(packageCount,
                reboot != null && reboot.isBoolean() ? reboot.booleanValue() : null,
                downtime != null && downtime.isIntegralNumber() ? downtime.longValue() : null,
                rolledBack != null && rolledBack.isBoolean() ? rolledBack.booleanValue() : null,
                error != null && error.isTextual() ? shorten(error.textValue()) : null,
                reason != null && reason.isTextual() ? shorten(reason.textValue()) : null);
    }

    private static JsonNode first(JsonNode root, String... names) {
        for (String name : names) {
            JsonNode value = root.get(name);
            if (value != null && !value.isNull()) {
                return value;
            }
        }
        return null;
    }

    private static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
