/**
 * Configuration loading for every Steward program.
 *
 * <p><b>Role.</b> Turns one TOML file into immutable config records, collecting every problem
 * before the program opens a port (HikariCP validate-then-seal; Postfix typed parameter tables).
 *
 * <p><b>Inputs/outputs.</b> A file path or text in; {@link dev.steward.common.config.ConfigReader}
 * sections out; {@link dev.steward.common.config.ConfigException} with all
 * {@link dev.steward.common.config.ConfigProblem}s on failure (programs exit 78, EX_CONFIG).
 *
 * <p><b>Strategy.</b> Each program's config record reads its section through typed getters that
 * carry the default and the bounds; unknown sections and keys are problems; values carry units
 * ({@code "30s"}, {@code "25MiB"}).
 *
 * <p><b>Failure handling.</b> Never resets a bad value silently: a problem is recorded, the default
 * is used only so that reading can go on and report the rest.
 *
 * <p><b>Security.</b> Secrets are never config values; they are referenced by file path.
 */
package dev.steward.common.config;
