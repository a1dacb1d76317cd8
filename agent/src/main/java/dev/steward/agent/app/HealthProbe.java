package dev.steward.agent.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Polls a recipe's health check until it succeeds or its timeout (or the job's deadline) passes:
 * one attempt, then a pause of {@code interval} (shortened to what is left), and so on. Attempts
 * start only within the timeout, but one that has started may finish up to {@code attempt_timeout}
 * later (so the last answer is a real one, not a cut-off); the job's deadline cuts attempts. An HTTP
 * attempt is a GET with a connect and response timeout of {@code attempt_timeout}; redirects are
 * not followed (a redirect to a login page is not "healthy"); the body is not read. A command
 * attempt runs through {@link ShellCommandRunner} bounded by {@code attempt_timeout}.
 *
 * <p>Thread safety: thread-safe; each {@link #await} uses its own HTTP client.
 */
final class HealthProbe {

    private final HealthCheckSpec spec;
    private final ShellCommandRunner runner;
    private final Map<String, String> environment;
    private final Path workingDirectory;

    HealthProbe(HealthCheckSpec spec, ShellCommandRunner runner, Map<String, String> environment, Path workingDirectory) {
        this.spec = spec;
        this.runner = runner;
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory;
    }

    HealthOutcome await(Deadline deadline) throws InterruptedException {
        long start = System.nanoTime();
        Duration untilDeadline = deadline.remaining();
        boolean deadlineFirst = untilDeadline != null && untilDeadline.compareTo(spec.timeout()) < 0;
        long end = start + (deadlineFirst ? untilDeadline : spec.timeout()).toNanos();
        int attempts = 0;
        Integer lastStatus = null;
        String lastError = null;
        try (HttpClient client = spec.url() == null ? null : HttpClient.newBuilder()
                .connectTimeout(spec.attemptTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build()) {
            while (true) {
                attempts++;
                Attempt attempt = spec.url() != null ? http(client, deadline) : command(deadline);
                if (attempt.status() != null) {
                    lastStatus = attempt.status();
                }
                long now = System.nanoTime();
                if (attempt.error() == null) {
                    return new HealthOutcome(true, attempts, lastStatus, lastError, Durations.sinceNanos(start, now), now,
                            false);
                }
                lastError = attempt.error();
                long left = end - now;
                if (left <= 0) {
                    return new HealthOutcome(false, attempts, lastStatus, lastError, Durations.sinceNanos(start, now), 0,
                            deadlineFirst);
                }
                // A poll interval, not a wait for an event: the application gives no signal when it is up.
                Thread.sleep(Duration.ofNanos(Math.min(left, spec.interval().toNanos())));
            }
        }
    }

    private record Attempt(Integer status, String error) {
    }

    /** The limit of one attempt: attempt_timeout, cut at the job's deadline. */
    private Duration attemptLimit(Deadline deadline) {
        Duration left = deadline.remaining();
        return left == null || left.compareTo(spec.attemptTimeout()) >= 0 ? spec.attemptTimeout() : left.plusMillis(1);
    }

    private Attempt http(HttpClient client, Deadline deadline) throws InterruptedException {
        Duration limit = attemptLimit(deadline);
        HttpRequest request = HttpRequest.newBuilder(spec.url()).GET().timeout(limit)
                .header("User-Agent", "steward-agent health check").build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            response.body().close(); // the status is the answer; a slow body must not hold the probe
            int status = response.statusCode();
            return new Attempt(status, status == spec.expectStatus() ? null
                    : "HTTP status " + status + ", expected " + spec.expectStatus());
        } catch (HttpTimeoutException slow) {
            return new Attempt(null, "no answer within " + Durations.text(limit));
        } catch (IOException failed) {
            String message = failed.getMessage();
            return new Attempt(null, failed.getClass().getSimpleName() + (message == null ? "" : ": " + message));
        }
    }

    private Attempt command(Deadline deadline) throws InterruptedException {
        CommandOutcome outcome = runner.run(spec.command(), environment, workingDirectory, spec.attemptTimeout(), deadline);
        if (outcome.ok()) {
            return new Attempt(null, null);
        }
        String lastLine = outcome.outputTail().strip();
        int newline = lastLine.lastIndexOf('\n');
        lastLine = newline < 0 ? lastLine : lastLine.substring(newline + 1);
        if (lastLine.length() > 200) {
            lastLine = lastLine.substring(0, 200) + "...";
        }
        String why = outcome.failure(spec.attemptTimeout());
        return new Attempt(null, why + (lastLine.isEmpty() ? "" : ": " + lastLine));
    }
}
