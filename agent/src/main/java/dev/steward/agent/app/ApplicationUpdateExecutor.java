package dev.steward.agent.app;

import dev.steward.agent.JobStatus;
import dev.steward.common.text.LogLine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Updates one application by its {@link AppRecipe}. The sequence, with the decision after each step:
 * <ol>
 *   <li><b>Refuse</b> (failed, nothing runs) when the job names another application, the target
 *       version has a bad shape, less than {@code expected_duration} remains before the deadline,
 *       or the installed version cannot be read. When the target is already installed: succeeded,
 *       nothing runs (a repeated job is harmless).</li>
 *   <li><b>Backup.</b> Not ok (non-zero exit, timeout, deadline) &rarr; failed; the update command
 *       never runs.</li>
 *   <li><b>Update</b>, then the <b>health check</b>, then the installed version is read again.
 *       All ok and the version is the target &rarr; succeeded.</li>
 *   <li>Otherwise (update failed, timed out or was stopped at the deadline; unhealthy; wrong
 *       version) &rarr; <b>rollback</b>, then the health check again. Both ok &rarr; rolled_back;
 *       else failed, with the update's and the rollback's reasons.</li>
 * </ol>
 * The backup, the update and the first health check stop at the job's deadline (the window's end);
 * the rollback and its health check do not, each bounded by its own timeout instead, because an
 * application left half-updated is worse than a window overrun by the rollback; the details then
 * say {@code deadline_reached}. Every command gets {@code STEWARD_APPLICATION},
 * {@code STEWARD_STEP} ({@code version}, {@code backup}, {@code update}, {@code health},
 * {@code rollback}), {@code STEWARD_CURRENT_VERSION} (the version before the job) and
 * {@code STEWARD_TARGET_VERSION}, besides the fixed environment of {@link ShellCommandRunner}.
 *
 * <p>Thread safety: one-thread-at-a-time per application (two concurrent updates of the same
 * application would fight over it; the agent runs one job at a time).
 */
public final class ApplicationUpdateExecutor {

    /** Bytes of output kept per command in the report. */
    public static final int OUTPUT_TAIL_BYTES = 8 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationUpdateExecutor.class);

    private final AppRecipe recipe;
    private final ShellCommandRunner runner;
    private final Clock clock;

    /**
     * @param recipe           the application's recipe
     * @param scratchDirectory where command output is captured while a command runs (for example
     *                         the agent's state directory); created when missing
     * @param clock            converts the job's wall-clock deadline into time remaining
     */
    public ApplicationUpdateExecutor(AppRecipe recipe, Path scratchDirectory, Clock clock) {
        this.recipe = Objects.requireNonNull(recipe, "recipe");
        this.runner = new ShellCommandRunner(scratchDirectory, OUTPUT_TAIL_BYTES, ShellCommandRunner.KILL_GRACE);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public AppRecipe recipe() {
        return recipe;
    }

    /** The installed version by the recipe's {@code version_command}, also for heartbeats. */
    public VersionReading installedVersion() throws InterruptedException {
        return readVersion(Map.of("STEWARD_APPLICATION", recipe.name(), "STEWARD_STEP", "version"));
    }

    /**
     * Runs the job to the end and reports; never throws for a failure of the application's commands.
     *
     * @throws InterruptedException when the agent is stopping; the running command's process group
     *                              has been killed, and no rollback was attempted
     */
    public ApplicationUpdateResult run(ApplicationUpdateJob job) throws InterruptedException {
        long start = System.nanoTime();
        Report report = new Report(job, start);
        if (!job.application().equals(recipe.name())) {
            return report.refuse("the job is for application \"" + job.application() + "\", this recipe is for \""
                    + recipe.name() + "\"");
        }
        if (!job.targetVersionValid()) {
            return report.refuse("target version \"" + job.targetVersion() + "\" is not a version (letters, digits and . _ + ~ : - only)");
        }
        Deadline deadline = Deadline.NONE;
        if (job.deadline() != null) {
            Duration remaining = Duration.between(clock.instant(), job.deadline());
            if (remaining.compareTo(recipe.expectedDuration()) < 0) {
                return report.refuse("not started: " + (remaining.isNegative() ? "the window has ended"
                        : Durations.text(remaining.withNanos(0)) + " remain before the window ends")
                        + ", the recipe needs " + Durations.text(recipe.expectedDuration()) + " (expected_duration)");
            }
            deadline = new Deadline(start + remaining.toNanos(), false);
        }
        VersionReading before = readVersion(Map.of("STEWARD_APPLICATION", recipe.name(), "STEWARD_STEP", "version"));
        if (before.version() == null) {
            return report.refuse("not started: the installed version cannot be read: " + before.error());
        }
        report.fromVersion = before.version();
        if (before.version().equals(job.targetVersion())) {
            report.installedVersion = before.version();
            return report.finish(JobStatus.SUCCEEDED, "version " + job.targetVersion() + " is already installed; nothing ran");
        }
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("STEWARD_APPLICATION", recipe.name());
        environment.put("STEWARD_CURRENT_VERSION", before.version());
        environment.put("STEWARD_TARGET_VERSION", job.targetVersion());
        report.started = true;

        report.backup = step("backup", recipe.backup(), environment, deadline);
        if (!report.backup.ok()) {
            report.installedVersion = readVersion(with(environment, "version")).version();
            return report.finish(JobStatus.FAILED, "backup failed (" + report.backup.failure(recipe.backup().timeout())
                    + "); the update was not attempted");
        }

        long updateStart = System.nanoTime();
        report.updateStartNanos = updateStart;
        report.update = step("update", recipe.update(), environment, deadline);
        HealthProbe probe = new HealthProbe(recipe.health(), runner, with(environment, "health"), recipe.workingDirectory());
        String updateProblem;
        if (report.update.ok()) {
            report.health = probe.await(deadline);
            log("health", report.health.ok() ? "ok" : "failed", report.health.duration(), report.health.lastError());
            if (report.health.ok()) {
                report.healthyAtNanos = report.health.healthyAtNanos();
                VersionReading after = readVersion(with(environment, "version"));
                report.installedVersion = after.version();
                if (job.targetVersion().equals(after.version())) {
                    return report.finish(JobStatus.SUCCEEDED, "updated from " + before.version() + " to "
                            + job.targetVersion() + "; healthy");
                }
                updateProblem = "the update reported success but the installed version is "
                        + (after.version() == null ? "unreadable (" + after.error() + ")" : after.version())
                        + ", not " + job.targetVersion();
                report.healthyAtNanos = 0; // the wrong version being up does not end the downtime
            } else {
                updateProblem = "after the update the application was " + report.health.failure(recipe.health());
            }
        } else {
            updateProblem = "the update command failed (" + report.update.failure(recipe.update().timeout()) + ")";
        }

        report.rollback = step("rollback", recipe.rollback(), environment, Deadline.NONE);
        if (!report.rollback.ok()) {
            report.installedVersion = readVersion(with(environment, "version")).version();
            return report.finish(JobStatus.FAILED, updateProblem + "; the rollback failed too ("
                    + report.rollback.failure(recipe.rollback().timeout()) + ")");
        }
        report.rollbackHealth = probe.await(Deadline.NONE);
        log("rollback_health", report.rollbackHealth.ok() ? "ok" : "failed", report.rollbackHealth.duration(),
                report.rollbackHealth.lastError());
        report.installedVersion = readVersion(with(environment, "version")).version();
        if (!report.rollbackHealth.ok()) {
            return report.finish(JobStatus.FAILED, updateProblem + "; after the rollback the application was "
                    + report.rollbackHealth.failure(recipe.health()));
        }
        report.healthyAtNanos = report.rollbackHealth.healthyAtNanos();
        return report.finish(JobStatus.ROLLED_BACK, updateProblem + "; rolled back to " + before.version()
                + ", healthy again");
    }

    private static Map<String, String> with(Map<String, String> environment, String step) {
        Map<String, String> copy = new LinkedHashMap<>(environment);
        copy.put("STEWARD_STEP", step);
        return copy;
    }

    private CommandOutcome step(String name, RecipeCommand command, Map<String, String> environment, Deadline deadline)
            throws InterruptedException {
        CommandOutcome outcome = runner.run(command.command(), with(environment, name), recipe.workingDirectory(),
                command.timeout(), deadline);
        log(name, outcome.ok() ? "ok" : "failed", outcome.duration(), outcome.ok() ? null : outcome.failure(command.timeout()));
        return outcome;
    }

    private VersionReading readVersion(Map<String, String> environment) throws InterruptedException {
        CommandOutcome outcome = runner.run(recipe.versionCommand(), environment, recipe.workingDirectory(),
                recipe.versionTimeout(), Deadline.NONE);
        if (!outcome.ok()) {
            return new VersionReading(null, "version_command: " + outcome.failure(recipe.versionTimeout()));
        }
        String version = outcome.outputTail().lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst().orElse("");
        if (version.isEmpty()) {
            return new VersionReading(null, "version_command printed nothing");
        }
        return new VersionReading(version.length() > 128 ? version.substring(0, 128) : version, null);
    }

    private void log(String step, String status, Duration duration, String reason) {
        LOG.info(LogLine.of("app_update_step").field("application", recipe.name()).field("step", step)
                .field("status", status).field("duration", Durations.seconds(duration)).field("reason", reason).toString());
    }

    /** The facts gathered while the job runs; single-threaded. */
    private final class Report {
        private final ApplicationUpdateJob job;
        private final long startNanos;
        private String fromVersion; // set once read
        private String installedVersion; // the last reading
        private boolean started; // a command of the sequence ran
        private CommandOutcome backup;
        private CommandOutcome update;
        private HealthOutcome health;
        private CommandOutcome rollback;
        private HealthOutcome rollbackHealth;
        private long updateStartNanos; // 0 until the update command starts
        private long healthyAtNanos; // 0 until a health check after the update start succeeds

        Report(ApplicationUpdateJob job, long startNanos) {
            this.job = job;
            this.startNanos = startNanos;
        }

        ApplicationUpdateResult refuse(String reason) {
            return finish(JobStatus.FAILED, reason);
        }

        ApplicationUpdateResult finish(JobStatus status, String reason) {
            long end = System.nanoTime();
            Duration downtime = updateStartNanos == 0 ? Duration.ZERO
                    : Durations.sinceNanos(updateStartNanos, healthyAtNanos != 0 ? healthyAtNanos : end);
            // After a rollback only the rollback's health check tells the state; a failed rollback
            // command is not followed by a check, so the state is unknown (null).
            HealthOutcome last = rollback != null ? rollbackHealth : health;
            Boolean healthyAtEnd = last == null ? null : last.ok();
            boolean deadlineReached = backup != null && backup.deadlineReached() || update != null && update.deadlineReached()
                    || health != null && health.deadlineReached();
            ApplicationUpdateResult result = new ApplicationUpdateResult(status, reason, recipe.name(), fromVersion,
                    job.targetVersion(), installedVersion, started, backup, update, health, rollback, rollbackHealth,
                    recipe.health().describe(), downtime, healthyAtEnd, deadlineReached, Durations.sinceNanos(startNanos, end));
            LOG.info(LogLine.of("app_update").field("application", recipe.name()).field("from_version", fromVersion)
                    .field("to_version", job.targetVersion()).field("installed_version", installedVersion)
                    .field("status", status.wire()).field("downtime", Durations.seconds(downtime))
                    .field("duration", Durations.seconds(result.duration())).field("reason", reason).toString());
            return result;
        }
    }
}
