package dev.steward.agent.app;

import java.net.URI;
import java.time.Duration;

/**
 * {@code [health]}: how to tell that the application works. Exactly one of {@code url} (an HTTP
 * GET that must answer {@code expectStatus}) and {@code command} (a shell command that must exit 0).
 * Attempts are repeated every {@code interval} until one succeeds or {@code timeout} has passed
 * since the first attempt; each attempt is bounded by {@code attemptTimeout}.
 *
 * <p>Thread safety: immutable.
 *
 * @param url            the URL to GET, or null when {@code command} is used
 * @param command        the shell command, or null when {@code url} is used
 * @param expectStatus   the HTTP status that means healthy (only for {@code url})
 * @param timeout        the total time the application has to become healthy
 * @param interval       the pause between two attempts
 * @param attemptTimeout the limit of one attempt (connect plus response, or the command's run time)
 */
public record HealthCheckSpec(URI url, String command, int expectStatus, Duration timeout, Duration interval,
        Duration attemptTimeout) {

    public HealthCheckSpec {
        if ((url == null) == (command == null)) {
            throw new IllegalArgumentException("exactly one of url and command");
        }
    }

    /** A short description for logs and reports: {@code GET http://...} or {@code command}. */
    public String describe() {
        return url != null ? "GET " + url + " expecting " + expectStatus : "command: " + command;
    }
}
