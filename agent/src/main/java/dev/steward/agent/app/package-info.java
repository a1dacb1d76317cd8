/**
 * Application updates through a per-application recipe (MAINT-2, UPD-2).
 *
 * <p><b>Role.</b> Installs a target version of one application on this server during a
 * maintenance window: backup, update, health check, and a rollback when the new version does not
 * come up healthy; reports what happened with the measured downtime.
 *
 * <p><b>Inputs/outputs.</b> An {@link dev.steward.agent.app.AppRecipe} (TOML, read once) and an
 * {@link dev.steward.agent.app.ApplicationUpdateJob} (application, target version, the window's
 * end) in; an {@link dev.steward.agent.app.ApplicationUpdateResult} out: a status (succeeded,
 * failed, rolled_back) and the job result's JSON {@code details}.
 *
 * <p><b>Files touched.</b> Only a temporary output file per command in the scratch directory
 * given to the executor (deleted after the command). Everything else is the recipe's commands.
 *
 * <p><b>Strategy.</b> See {@link dev.steward.agent.app.ApplicationUpdateExecutor}: refuse when the
 * window is too short; backup; update; poll the health check; roll back and poll again on any
 * failure. Commands run in their own session and process group through {@code setsid --wait /bin/sh -c}
 * with a clean environment ({@link dev.steward.agent.app.ShellCommandRunner}).
 *
 * <p><b>Failure handling.</b> A command that exceeds its timeout, or the deadline, has its process
 * group killed (SIGTERM, SIGKILL after 5 s). A failed backup stops the job before the update. A
 * failed rollback is reported with both reasons; nothing is retried.
 *
 * <p><b>Config keys.</b> The recipe: {@code [application] name, version_command, version_timeout,
 * working_directory, expected_duration}; {@code [backup] / [update] / [rollback] command, timeout};
 * {@code [health] url | command, expect_status, timeout, interval, attempt_timeout}.
 *
 * <p><b>Security.</b> The recipe is trusted (root-owned configuration). The target version comes
 * from the control plane and reaches the commands only as an environment variable, and only when it
 * consists of letters, digits and {@code . _ + ~ : -}.
 */
package dev.steward.agent.app;
