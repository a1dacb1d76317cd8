/**
 * The control-plane process: configuration, wiring and lifecycle.
 *
 * <p><b>Role.</b> {@link dev.steward.control.web.ControlMain} runs {@code steward control --config
 * FILE}: {@link dev.steward.control.web.ControlConfig} (TOML, every problem collected, exit 78),
 * the database, and {@link dev.steward.control.web.ControlServer} (Javalin) with the API routes of
 * {@code dev.steward.control.web.api}.
 *
 * <p><b>Inputs/outputs.</b> HTTP on {@code [server] listen} (default {@code 127.0.0.1:8080}); the
 * database in {@code [database]}.
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
 * world-readable and is never logged.
 */
package dev.steward.control.web;
