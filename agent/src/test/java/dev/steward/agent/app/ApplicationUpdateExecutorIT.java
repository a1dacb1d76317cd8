package dev.steward.agent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.agent.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor against a real application: {@link SampleApp}, a versioned HTTP service in its own
 * JVM on a free loopback port, installed and switched by shell scripts ({@link SampleInstallation}).
 * Downtime is measured twice: by the executor, and from the application's side by an
 * {@link AvailabilityProbe} polling every 10 ms.
 */
@Timeout(120)
class ApplicationUpdateExecutorIT {

    /**
     * How much longer than the application's own outage the executor's downtime may be: its health
     * check polls every 100 ms; the rest is the scripts' start before they stop the old version,
     * which on a loaded 2-core CI machine can take seconds.
     */
    private static final Duration DOWNTIME_SLACK = Duration.ofSeconds(5);

    @TempDir
    Path temporary;

    private SampleInstallation installation;
    private AvailabilityProbe probe;

    @BeforeEach
    void startVersion1() throws Exception {
        installation = new SampleInstallation(temporary.resolve("sample"));
        installation.runScript("start.sh");
        probe = new AvailabilityProbe(installation.healthUrl());
        assertThat(probe.await(false, Duration.ofSeconds(30))).as("version 1 answers before the test").isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (probe != null) {
                probe.close();
            }
        } finally {
            installation.close();
        }
    }

    private ApplicationUpdateExecutor executor(String recipeText) throws Exception {
        AppRecipe recipe = AppRecipe.parse("sample.toml", recipeText);
        return new ApplicationUpdateExecutor(recipe, temporary.resolve("scratch"), Clock.systemUTC());
    }

    private static Instant inAnHour() {
        return Instant.now().plus(Duration.ofHours(1));
    }

    @Test
    void update_toGoodVersion_succeedsWithDowntimeMatchingTheApplicationsView() throws Exception {
        ApplicationUpdateExecutor executor = executor(installation.recipe("", "60s", "30s"));

        ApplicationUpdateResult result = executor.run(new ApplicationUpdateJob("sample", "2", inAnHour()));

        assertThat(result.status()).as(result.reason()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(probe.await(true, Duration.ofSeconds(5))).isTrue();
        assertThat(probe.lastGoodVersion()).isEqualTo("2");
        assertThat(result.fromVersion()).isEqualTo("1");
        assertThat(result.installedVersion()).isEqualTo("2");
        assertThat(result.rollback()).isNull();
        assertThat(result.update().outputTail()).contains("update to 2 from 1 step update", "stopped", "starting version 2");
        assertThat(result.backup().outputTail()).contains("backing up version 1 before 2");
        assertDowntimeMatchesProbe(result);

        JsonNode details = result.details();
        assertThat(details.get("status").asText()).isEqualTo("succeeded");
        assertThat(details.get("from_version").asText()).isEqualTo("1");
        assertThat(details.get("to_version").asText()).isEqualTo("2");
        assertThat(details.get("installed_version").asText()).isEqualTo("2");
        assertThat(details.at("/backup/ok").asBoolean()).isTrue();
        assertThat(details.at("/update/exit_code").asInt()).isZero();
        assertThat(details.at("/health/ok").asBoolean()).isTrue();
        assertThat(details.at("/health/last_status").asInt()).isEqualTo(200);
        assertThat(details.at("/rollback/ran").asBoolean()).isFalse();
        assertThat(details.get("healthy_at_end").asBoolean()).isTrue();
        assertThat(details.get("downtime_seconds").decimalValue()).isEqualTo(Durations.seconds(result.downtime()));
    }

    @Test
    void update_toVersionAnswering500_isRolledBackAndHealthyAgain() throws Exception {
        ApplicationUpdateExecutor executor = executor(installation.recipe("", "60s", "12s"));

        ApplicationUpdateResult result = executor.run(new ApplicationUpdateJob("sample", "3", inAnHour()));

        assertThat(result.status()).as(result.reason()).isEqualTo(JobStatus.ROLLED_BACK);
        assertThat(result.reason()).contains("after the update the application was not healthy within 12s",
                "HTTP status 500, expected 200", "rolled back to 1");
        assertThat(result.update().ok()).isTrue();
        assertThat(result.health().ok()).isFalse();
        assertThat(result.health().lastStatus()).isEqualTo(500);
        assertThat(result.health().attempts()).isGreaterThan(1);
        assertThat(result.rollback().ok()).isTrue();
        assertThat(result.rollback().outputTail()).contains("rolling back to 1", "starting version 1");
        assertThat(result.rollbackHealth().ok()).isTrue();
        assertThat(result.installedVersion()).isEqualTo("1");
        assertThat(result.healthyAtEnd()).isTrue();
        assertThat(probe.await(true, Duration.ofSeconds(5))).isTrue();
        assertThat(probe.lastGoodVersion()).isEqualTo("1");
        // The broken version answered for the whole health timeout, so the downtime includes it.
        assertThat(result.downtime()).isGreaterThan(Duration.ofSeconds(12));
        assertDowntimeMatchesProbe(result);
        JsonNode details = result.details();
        assertThat(details.get("status").asText()).isEqualTo("rolled_back");
        assertThat(details.at("/rollback/ran").asBoolean()).isTrue();
        assertThat(details.at("/rollback/ok").asBoolean()).isTrue();
        assertThat(details.at("/rollback/health/ok").asBoolean()).isTrue();
        assertThat(details.at("/health/last_error").asText()).isEqualTo("HTTP status 500, expected 200");
    }

    @Test
    void backup_failing_updateNeverRuns() throws Exception {
        Files.createFile(installation.app.resolve("fail-backup"));
        ApplicationUpdateExecutor executor = executor(installation.recipe("", "60s", "30s"));

        ApplicationUpdateResult result = executor.run(new ApplicationUpdateJob("sample", "2", inAnHour()));

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.reason()).isEqualTo("backup failed (exit status 3); the update was not attempted");
        assertThat(installation.lines("backup-ran")).isEqualTo("1\n");
        assertThat(installation.lines("update-ran")).as("the update script never ran").isEmpty();
        assertThat(result.update()).isNull();
        assertThat(result.rollback()).isNull();
        assertThat(result.backup().exitCode()).isEqualTo(3);
        assertThat(result.backup().outputTail()).contains("backup: disk full");
        assertThat(result.installedVersion()).isEqualTo("1");
        assertThat(result.downtime()).isZero();
        assertThat(probe.outage()).as("the application never went down").isZero();
        assertThat(result.details().at("/update/ran").asBoolean()).isFalse();
    }

    @Test
    void update_exceedingItsTimeout_isKilledWithItsChildrenAndRolledBack() throws Exception {
        ApplicationUpdateExecutor executor = executor(installation.recipe("", "2s", "30s"));

        ApplicationUpdateResult result = executor.run(new ApplicationUpdateJob("sample", "4", inAnHour()));

        assertThat(result.status()).as(result.reason()).isEqualTo(JobStatus.ROLLED_BACK);
        assertThat(result.reason()).startsWith("the update command failed (timed out after 2s and was killed)");
        assertThat(result.update().timedOut()).isTrue();
        assertThat(result.update().exitCode()).isNull();
        assertThat(result.update().duration()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(ShellCommandRunner.KILL_GRACE));
        assertThat(result.health()).as("no health check after a failed update command").isNull();
        assertThat(ShellCommandRunner.running(installation.pidOf("hang.pid")))
                .as("the update's background sleep was killed with its process group").isFalse();
        assertThat(result.installedVersion()).isEqualTo("1");
        assertThat(probe.await(true, Duration.ofSeconds(5))).isTrue();
        assertThat(probe.lastGoodVersion()).isEqualTo("1");
        assertDowntimeMatchesProbe(result);
        assertThat(result.details().at("/update/timed_out").asBoolean()).isTrue();
    }

    @Test
    void deadline_comingDuringTheUpdate_stopsItAndRollsBack() throws Exception {
        ApplicationUpdateExecutor executor = executor(installation.recipe("expected_duration = \"1s\"", "60s", "30s"));

        ApplicationUpdateResult result = executor.run(new ApplicationUpdateJob("sample", "4",
                Instant.now().plus(Duration.ofSeconds(3))));

        assertThat(result.status()).as(result.reason()).isEqualTo(JobStatus.ROLLED_BACK);
        assertThat(result.reason()).startsWith("the update command failed (stopped at the deadline (the window's end) after");
        assertThat(result.update().deadlineReached()).isTrue();
        assertThat(result.update().timedOut()).isFalse();
        assertThat(result.deadlineReached()).isTrue();
        assertThat(result.rollbackHealth().ok()).as("the rollback is not cut by the deadline").isTrue();
        assertThat(result.installedVersion()).isEqualTo("1");
        assertThat(result.details().get("deadline_reached").asBoolean()).isTrue();
    }

    @Test
    void deadline_tooCloseForTheRecipe_notStarted() throws Exception {
        // expected_duration defaults to backup + update + health timeouts: 30s + 60s + 30s.
        ApplicationUpdateExecutor executor = executor(installation.recipe("", "60s", "30s"));
        assertThat(executor.recipe().expectedDuration()).isEqualTo(Duration.ofMinutes(2));

        ApplicationUpdateResult result = executor.run(new ApplicationUpdateJob("sample", "2",
                Instant.now().plus(Duration.ofSeconds(90))));

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.reason()).matches(
                "not started: 1m(29|30)s remain before the window ends, the recipe needs 2m \\(expected_duration\\)");
        assertThat(result.started()).isFalse();
        assertThat(installation.lines("backup-ran")).isEmpty();
        assertThat(installation.lines("update-ran")).isEmpty();
        assertThat(result.details().get("started").asBoolean()).isFalse();
        assertThat(probe.outage()).isZero();
    }

    @Test
    void rollback_failingAfterABrokenUpdate_failsWithBothReasons() throws Exception {
        Files.createFile(installation.app.resolve("fail-rollback"));
        ApplicationUpdateExecutor executor = executor(installation.recipe("", "60s", "3s"));

        ApplicationUpdateResult result = executor.run(new ApplicationUpdateJob("sample", "3", inAnHour()));

        assertThat(result.status()).isEqualTo(JobStatus.FAILED);
        assertThat(result.reason()).startsWith("after the update the application was not healthy within 3s")
                .endsWith("; the rollback failed too (exit status 4)");
        assertThat(result.rollback().outputTail()).contains("rollback: no backup found");
        assertThat(result.rollbackHealth()).isNull();
        assertThat(result.healthyAtEnd()).isNull();
        assertThat(result.installedVersion()).isEqualTo("3");
        // Never healthy again: the downtime runs from the update's start to the end of the job.
        assertThat(result.downtime()).isGreaterThan(Duration.ofSeconds(3)).isLessThan(result.duration());
    }

    private void assertDowntimeMatchesProbe(ApplicationUpdateResult result) {
        Duration seen = probe.outage();
        System.out.printf("downtime: executor %s, application side %s%n", result.downtime(), seen);
        assertThat(seen).as("the probe saw an outage").isPositive();
        // The executor's downtime starts before the application stops and ends at its own health
        // check, which follows the application's first good answer by at most one interval: the
        // outage seen from outside cannot be longer, except for the probe's own sampling period and
        // a probe request slowed down by a loaded machine (its samples are stamped on arrival).
        assertThat(seen).isLessThanOrEqualTo(result.downtime().plus(AvailabilityProbe.PERIOD.multipliedBy(2))
                .plus(Duration.ofSeconds(1)));
        assertThat(result.downtime()).isLessThanOrEqualTo(seen.plus(DOWNTIME_SLACK));
    }
}
