package dev.steward.agent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.agent.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor's decisions against an "application" made of files and one-line shell commands
 * (no process to start): {@code current} holds the installed version, version 3 is unhealthy,
 * and every command appends its step to {@code steps}. The real-process scenarios are in
 * {@link ApplicationUpdateExecutorIT}.
 */
@Timeout(60)
class ApplicationUpdateExecutorTest {

    @TempDir
    Path temporary;

    private Path app;

    @BeforeEach
    void install() throws Exception {
        app = Files.createDirectories(temporary.resolve("app"));
        Files.writeString(app.resolve("current"), "1\n");
    }

    private String recipe(String update) {
        return """
                [application]
                name = "files"
                version_command = "cat current"
                working_directory = "%s"
                [backup]
                command = "echo backup >> steps; cp current backup; env | grep ^STEWARD_ | sort"
                [update]
                command = "%s"
                [health]
                command = "echo health >> steps; [ \\"$(cat current)\\" != 3 ] || { echo version 3 is broken; exit 1; }"
                timeout = "1s"
                interval = "100ms"
                [rollback]
                command = "echo rollback >> steps; cp backup current"
                """.formatted(app, update);
    }

    private static final String GOOD_UPDATE = "echo update >> steps; echo $STEWARD_TARGET_VERSION > current";

    private ApplicationUpdateExecutor executor(String recipeText) throws Exception {
        return new ApplicationUpdateExecutor(AppRecipe.parse("files.toml", recipeText), temporary.resolve("scratch"),
                Clock.systemUTC());
    }

    private List<String> steps() throws Exception {
        Path file = app.resolve("steps");
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private static ApplicationUpdateJob job(String version) {
        return new ApplicationUpdateJob("files", version, Instant.now().plus(Duration.ofHours(1)));
    }

    @Test
    void run_goodVersion_succeedsAndPassesTheVersionsInTheEnvironment() throws Exception {
        ApplicationUpdateResult result = executor(recipe(GOOD_UPDATE)).run(job("2"));

        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.reason()).isEqualTo("updated from 1 to 2; healthy");
        assertThat(steps()).containsExactly("backup", "update", "health");
        assertThat(result.backup().outputTail()).isEqualTo("""
                STEWARD_APPLICATION=files
                STEWARD_CURRENT_VERSION=1
                STEWARD_STEP=backup
                STEWARD_TARGET_VERSION=2
                """);
        assertThat(result.installedVersion()).isEqualTo("2");
        assertThat(result.downtime()).isPositive().isLessThanOrEqualTo(result.duration());
    }

    @Test
    void run_unhealthyVersion_rolledBack() throws Exception {
        ApplicationUpdateResult result = executor(recipe(GOOD_UPDATE)).run(job("3"));

        assertThat(result.status()).isEqualTo(JobStatus.ROLLED_BACK);
        assertThat(result.reason()).startsWith("after the update the application was not healthy within 1s after ")
                .contains("; last: exit status 1: version 3 is broken; rolled back to 1, healthy again");
        assertThat(steps()).startsWith("backup", "update", "health").endsWith("rollback", "health");
        assertThat(result.installedVersion()).isEqualTo("1");
        assertThat(result.healthyAtEnd()).isTrue();
    }

    @Test
    void run_updateCommandFailing_rolledBackWithoutAHealthCheckInBetween() throws Exception {
        ApplicationUpdateResult result = executor(recipe("echo update >> steps; echo no space left >&2; exit 5")).run(job("2"));

        assertThat(result.status()).isEqualTo(JobStatus.ROLLED_BACK);
        assertThat(result.reason()).isEqualTo("the update command failed (exit status 5); rolled back to 1, healthy again");
        assertThat(steps()).containsExactly("backup", "update", "rollback", "health");
        assertThat(result.update().outputTail()).isEqualTo("no space left\n");
        assertThat(result.health()).isNull();
    }

    @Test
    void run_updateLeavingTheWrongVersion_rolledBack() throws Exception {
        ApplicationUpdateResult result = executor(recipe("echo update >> steps; echo 2.0-rc > current")).run(job("2"));

        assertThat(result.status()).isEqualTo(JobStatus.ROLLED_BACK);
        assertThat(result.reason()).startsWith("the update reported success but the installed version is 2.0-rc, not 2; rolled back to 1");
        assertThat(result.installedVersion()).isEqualTo("1");
    }

    @Test
    void run_targetAlreadyInstalled_succeedsWithoutRunningAnything() throws Exception {
        ApplicationUpdateResult result = executor(recipe(GOOD_UPDATE)).run(job("1"));

        assertThat(result.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(result.reason()).isEqualTo("version 1 is already installed; nothing ran");
        assertThat(result.started()).isFalse();
        assertThat(steps()).isEmpty();
    }

    @Test
    void run_refusals_runNothing() throws Exception {
        ApplicationUpdateExecutor executor = executor(recipe(GOOD_UPDATE));
        List<String> reasons = new ArrayList<>();
        for (ApplicationUpdateJob job : List.of(
                new ApplicationUpdateJob("wiki", "2", null),
                new ApplicationUpdateJob("files", "2; rm -rf /", null),
                new ApplicationUpdateJob("files", "2", Instant.now().minusSeconds(5)))) {
            ApplicationUpdateResult result = executor.run(job);
            assertThat(result.status()).isEqualTo(JobStatus.FAILED);
            assertThat(result.started()).isFalse();
            reasons.add(result.reason());
        }
        Files.delete(app.resolve("current"));
        reasons.add(executor.run(job("2")).reason());

        assertThat(reasons).containsExactly(
                "the job is for application \"wiki\", this recipe is for \"files\"",
                "target version \"2; rm -rf /\" is not a version (letters, digits and . _ + ~ : - only)",
                "not started: the window has ended, the recipe needs 25m1s (expected_duration)",
                "not started: the installed version cannot be read: version_command: exit status 1");
        assertThat(steps()).isEmpty();
    }

    @Test
    void run_deadlineFromAnInjectedClock_comparedWithExpectedDuration() throws Exception {
        // The clock says it is 10:00; the window ends 10:25; the recipe needs 25m1s (backup 10m, update 15m, health 1s).
        Instant now = Instant.parse("2026-11-30T10:00:00Z");
        ApplicationUpdateExecutor executor = new ApplicationUpdateExecutor(AppRecipe.parse("files.toml", recipe(GOOD_UPDATE)),
                temporary.resolve("scratch"), Clock.fixed(now, ZoneOffset.UTC));

        ApplicationUpdateResult result = executor.run(new ApplicationUpdateJob("files", "2", now.plus(Duration.ofMinutes(25))));

        assertThat(result.reason()).isEqualTo("not started: 25m remain before the window ends, the recipe needs 25m1s (expected_duration)");
    }

    @Test
    void installedVersion_forHeartbeats_readsTheVersionCommand() throws Exception {
        ApplicationUpdateExecutor executor = executor(recipe(GOOD_UPDATE));

        assertThat(executor.installedVersion()).isEqualTo(new VersionReading("1", null));
        Files.writeString(app.resolve("current"), "\n  \n");
        assertThat(executor.installedVersion()).isEqualTo(new VersionReading(null, "version_command printed nothing"));
    }

    @Test
    void details_fieldNames_areTheDocumentedApi() throws Exception {
        ApplicationUpdateResult result = executor(recipe(GOOD_UPDATE)).run(job("3"));

        JsonNode details = new ObjectMapper().readTree(result.detailsJson());
        assertThat(fieldNames(details)).containsExactly("application", "status", "reason", "from_version", "to_version",
                "installed_version", "started", "backup", "update", "health", "rollback", "downtime_seconds",
                "healthy_at_end", "deadline_reached", "duration_seconds");
        assertThat(fieldNames(details.get("update"))).containsExactly("ran", "ok", "exit_code", "timed_out",
                "deadline_reached", "duration_seconds", "output_tail", "output_bytes", "error");
        assertThat(fieldNames(details.get("health"))).containsExactly("ran", "ok", "check", "attempts", "last_status",
                "last_error", "deadline_reached", "duration_seconds");
        assertThat(fieldNames(details.get("rollback"))).containsExactly("ran", "ok", "exit_code", "timed_out",
                "deadline_reached", "duration_seconds", "output_tail", "output_bytes", "error", "health");
        assertThat(details.get("status").asText()).isEqualTo("rolled_back");
        assertThat(details.at("/health/check").asText()).startsWith("command: echo health >> steps;");
        assertThat(details.get("downtime_seconds").isNumber()).isTrue();
        // Millisecond precision in the text (read back as a double, 0.350 would lose its trailing zero).
        assertThat(result.detailsJson()).containsPattern("\"downtime_seconds\":\\d+\\.\\d{3}[,}]");
    }

    @Test
    void details_notStarted_haveStepsThatDidNotRun() throws Exception {
        ApplicationUpdateResult result = executor(recipe(GOOD_UPDATE)).run(new ApplicationUpdateJob("wiki", "2", null));

        JsonNode details = result.details();
        assertThat(details.get("from_version").isNull()).isTrue();
        assertThat(details.at("/backup/ran").asBoolean()).isFalse();
        assertThat(fieldNames(details.get("backup"))).containsExactly("ran");
        assertThat(details.at("/rollback/health/ran").asBoolean()).isFalse();
        assertThat(details.get("healthy_at_end").isNull()).isTrue();
        assertThat(details.get("downtime_seconds").decimalValue()).isEqualByComparingTo("0");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
