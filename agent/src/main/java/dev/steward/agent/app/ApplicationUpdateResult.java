package dev.steward.agent.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steward.agent.JobStatus;
import java.time.Duration;

/**
 * The outcome of one application update: the job result's status plus every fact the report
 * shows. {@link #details()} renders the JSON {@code details} object, built field by field so that
 * renaming a Java field cannot change the API (field names are documented in the README,
 * "Application updates").
 *
 * <p>Downtime is measured on the monotonic clock from the moment the update command starts (the
 * application is assumed to go down then) until the first successful health check after it:
 * after the update, or, when the update is rolled back, after the rollback. When the application
 * never became healthy again it runs until the end of the job and {@code healthy_at_end} is false;
 * when the update command never started it is 0.
 *
 * <p>Thread safety: immutable.
 *
 * @param status           succeeded, failed or rolled_back
 * @param reason           one sentence for the operator; never null
 * @param application      the recipe's name
 * @param fromVersion      the version before the job (version_command), or null if unreadable
 * @param toVersion        the target version
 * @param installedVersion the version after the job (version_command), or null if not read or unreadable
 * @param started          whether any command ran (false: refused before the backup)
 * @param backup           the backup command's outcome, or null when it did not run
 * @param update           the update command's outcome, or null when it did not run
 * @param health           the health check after the update, or null when it did not run
 * @param rollback         the rollback command's outcome, or null when it did not run
 * @param rollbackHealth   the health check after the rollback, or null when it did not run
 * @param healthCheck      the health check's description ({@code GET url expecting 200} or the command)
 * @param downtime         see above
 * @param healthyAtEnd     the last health check succeeded; null when no health check ran
 * @param deadlineReached  a step was stopped because the window ended
 * @param duration         the whole job, monotonic clock
 */
public record ApplicationUpdateResult(JobStatus status, String reason, String application, String fromVersion,
        String toVersion, String installedVersion, boolean started, CommandOutcome backup, CommandOutcome update,
        HealthOutcome health, CommandOutcome rollback, HealthOutcome rollbackHealth, String healthCheck,
        Duration downtime, Boolean healthyAtEnd, boolean deadlineReached, Duration duration) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The job result's {@code details} object. */
    public ObjectNode details() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("application", application);
        root.put("status", status.wire());
        root.put("reason", reason);
        root.put("from_version", fromVersion);
        root.put("to_version", toVersion);
        root.put("installed_version", installedVersion);
        root.put("started", started);
        step(root.putObject("backup"), backup);
        step(root.putObject("update"), update);
        health(root.putObject("health"), health);
        ObjectNode rollbackNode = root.putObject("rollback");
        step(rollbackNode, rollback);
        health(rollbackNode.putObject("health"), rollbackHealth);
        root.put("downtime_seconds", Durations.seconds(downtime));
        if (healthyAtEnd == null) {
            root.putNull("healthy_at_end");
        } else {
            root.put("healthy_at_end", healthyAtEnd);
        }
        root.put("deadline_reached", deadlineReached);
        root.put("duration_seconds", Durations.seconds(duration));
        return root;
    }

    /** {@link #details()} as compact JSON text. */
    public String detailsJson() {
        try {
            return MAPPER.writeValueAsString(details());
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static void step(ObjectNode node, CommandOutcome outcome) {
        node.put("ran", outcome != null);
        if (outcome == null) {
            return;
        }
        node.put("ok", outcome.ok());
        node.put("exit_code", outcome.exitCode());
        node.put("timed_out", outcome.timedOut());
        node.put("deadline_reached", outcome.deadlineReached());
        node.put("duration_seconds", Durations.seconds(outcome.duration()));
        node.put("output_tail", outcome.outputTail());
        node.put("output_bytes", outcome.outputBytes());
        node.put("error", outcome.startError());
    }

    private void health(ObjectNode node, HealthOutcome outcome) {
        node.put("ran", outcome != null);
        if (outcome == null) {
            return;
        }
        node.put("ok", outcome.ok());
        node.put("check", healthCheck);
        node.put("attempts", outcome.attempts());
        node.put("last_status", outcome.lastStatus());
        node.put("last_error", outcome.lastError());
        node.put("deadline_reached", outcome.deadlineReached());
        node.put("duration_seconds", Durations.seconds(outcome.duration()));
    }
}
