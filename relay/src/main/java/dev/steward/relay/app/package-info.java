/**
 * The relay program and the {@code bin/steward} command line (Postfix master, postconf).
 *
 * <p><b>Role.</b> Load and validate {@code relay.toml}, wire queue, cleanup and intake by hand,
 * own their lifecycle; dispatch the CLI sub-commands.
 *
 * <p><b>Inputs/outputs.</b> Config file; log lines {@code relay_started} (with {@code listen=} and
 * {@code startup_ms}) and {@code relay_stopped}.
 *
 * <p><b>Strategy.</b> Validate everything first and exit 78 listing every problem before any port
 * opens; then open the queue (recovery), then listen. SIGTERM stops the intake with a grace
 * period, then closes the queue. Start-up work that needs no configuration (trust anchors, TLS
 * and DNS tables) runs on a second thread meanwhile ({@link dev.steward.relay.app.StartupPrefetch}):
 * the relay starts on every boot and after every update, and a client that finds no listener
 * gets "connection refused", not a retry.
 *
 * <p><b>Config keys.</b> All of them; {@code relay --print-default-config} prints each with its default.
 *
 * <p><b>Security.</b> Runs unprivileged apart from binding port 25 (the Debian package grants
 * CAP_NET_BIND_SERVICE to the unit); no secrets in the file.
 */
package dev.steward.relay.app;
