/**
 * The control plane's application module: for now its command line ({@code steward semver},
 * {@code steward maintenance}); later the Javalin UI and REST API and {@code ControlMain}.
 *
 * <p><b>Role.</b> Mechanism only: parses arguments, reads the clock, calls control-core's pure
 * policies and prints their decisions. No decision is made here.
 *
 * <p><b>Inputs/outputs.</b> Command-line arguments in; one result per line on standard output,
 * diagnostics on standard error, a sysexits-style exit code.
 *
 * <p><b>Files/queues touched.</b> None.
 *
 * <p><b>Failure handling.</b> An invalid version is exit 2 with the reason; a usage error exit 64
 * with the usage text; {@code control} exit 69 until the control plane exists.
 *
 * <p><b>Security.</b> Arguments come from an operator's shell; versions are bounded by the
 * parsers, counts by {@code --count}'s maximum of 1000.
 */
package dev.steward.control.web;
