/**
 * The control plane's application module: the control-plane process and the control CLI.
 *
 * <p><b>Role.</b> {@link dev.steward.control.web.ControlMain} runs {@code steward control --config
 * FILE}: {@link dev.steward.control.web.ControlConfig} (TOML, every problem collected, exit 78),
 * the database, and {@link dev.steward.control.web.ControlServer} (Javalin) with the API routes of
 * {@code dev.steward.control.web.api}. {@link dev.steward.control.web.ControlCli} runs
 * {@code steward semver …} and {@code steward maintenance …}: it parses arguments, reads the clock,
 * calls control-core's pure policies and prints their decisions (an invalid version is exit 2, a
 * usage error 64).
 *
 * <p><b>Inputs/outputs.</b> HTTP on {@code [server] listen} (default {@code 127.0.0.1:8080}); the
 * database in {@code [database]}. The CLI: arguments in, one result per line out.
 *
 * <p><b>Strategy.</b> Wired by hand in one config lambda. No state in memory beyond the wiring:
 * several instances on one PostgreSQL database behave as one.
 *
 * <p><b>Failure handling.</b> Config errors exit 78 before any port opens; an unreachable database
 * exits 69; request failures go through the one exception mapper.
 *
 * <p><b>Config keys.</b> See {@link dev.steward.control.web.ControlConfig}.
 *
 * <p><b>Security.</b> The database password is read from a file that must not be group- or
 * world-readable and is never logged. CLI arguments come from an operator's shell; versions are
 * bounded by the parsers, counts by {@code --count}'s maximum of 1000.
 */
package dev.steward.control.web;
