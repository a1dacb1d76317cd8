package dev.steward.agent.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class HealthProbeTest {

    @TempDir
    Path temporary;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1); // holds the slow handler until the test ends

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/flaky", exchange -> { // 503 twice, then 200
            int status = requests.incrementAndGet() <= 2 ? 503 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.createContext("/broken", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "/flaky");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            try {
                release.await();
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private HealthProbe probe(HealthCheckSpec spec) {
        return new HealthProbe(spec, new ShellCommandRunner(temporary.resolve("scratch"), 1024, Duration.ofSeconds(1)),
                Map.of("STEWARD_STEP", "health"), temporary);
    }

    private static HealthCheckSpec http(URI url, Duration timeout, Duration attemptTimeout) {
        return new HealthCheckSpec(url, null, 200, timeout, Duration.ofMillis(100), attemptTimeout);
    }

    @Test
    void await_serviceHealthyOnTheThirdAttempt_okAfterThreeAttempts() throws Exception {
        HealthOutcome outcome = probe(http(url("/flaky"), Duration.ofSeconds(10), Duration.ofSeconds(2))).await(Deadline.NONE);

        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(outcome.lastStatus()).isEqualTo(200);
        assertThat(outcome.lastError()).isEqualTo("HTTP status 503, expected 200");
        assertThat(outcome.healthyAtNanos()).isNotZero();
        assertThat(outcome.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(200)); // two intervals
    }

    @Test
    void await_serviceAnswering500_givesUpAtTheTimeout() throws Exception {
        HealthCheckSpec spec = http(url("/broken"), Duration.ofSeconds(1), Duration.ofSeconds(2));

        HealthOutcome outcome = probe(spec).await(Deadline.NONE);

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.deadlineReached()).isFalse();
        assertThat(outcome.lastStatus()).isEqualTo(500);
        assertThat(outcome.attempts()).isBetween(2, 11).isLessThanOrEqualTo(requests.get());
        assertThat(outcome.duration()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(4));
        assertThat(outcome.failure(spec)).startsWith("not healthy within 1s after " + outcome.attempts()
                + " attempt(s); last: HTTP status 500, expected 200");
    }

    @Test
    void await_redirect_isNotFollowedAndNotHealthy() throws Exception {
        HealthOutcome outcome = probe(http(url("/redirect"), Duration.ofSeconds(1), Duration.ofSeconds(1))).await(Deadline.NONE);

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.lastStatus()).isEqualTo(302);
        assertThat(requests.get()).as("the redirect target was never asked").isZero();
    }

    @Test
    void await_nothingListening_reportsTheConnectionError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        // Generous attempt timeout: under load the HTTP client's first connect alone can take a second.
        HealthOutcome outcome = probe(http(URI.create("http://127.0.0.1:" + closedPort + "/"), Duration.ofSeconds(1),
                Duration.ofSeconds(10))).await(Deadline.NONE);

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.lastStatus()).isNull();
        assertThat(outcome.lastError()).startsWith("ConnectException");
    }

    @Test
    void await_serviceNotAnswering_eachAttemptBoundedByTheAttemptTimeout() throws Exception {
        HealthOutcome outcome = probe(http(url("/slow"), Duration.ofSeconds(1), Duration.ofMillis(300))).await(Deadline.NONE);

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.lastError()).isEqualTo("no answer within 300ms");
        assertThat(outcome.attempts()).isGreaterThanOrEqualTo(2);
        assertThat(outcome.duration()).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void await_deadlineBeforeTheTimeout_stopsAtTheDeadline() throws Exception {
        HealthOutcome outcome = probe(http(url("/broken"), Duration.ofMinutes(1), Duration.ofSeconds(1)))
                .await(Deadline.after(Duration.ofMillis(500)));

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.deadlineReached()).isTrue();
        assertThat(outcome.duration()).isLessThan(Duration.ofSeconds(5));
        assertThat(outcome.failure(http(url("/broken"), Duration.ofMinutes(1), Duration.ofSeconds(1))))
                .startsWith("not healthy before the deadline (the window's end) after ");
    }

    @Test
    void await_command_healthyOnceItExitsZeroAndReportsTheLastOutputLine() throws Exception {
        Path counter = temporary.resolve("count");
        Files.writeString(counter, "");
        // Fails twice ("warming up"), then succeeds.
        String command = "echo x >> '" + counter + "'; [ $(wc -l < '" + counter + "') -ge 3 ] || { echo starting; echo warming up; exit 1; }";
        HealthCheckSpec spec = new HealthCheckSpec(null, command, 200, Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofSeconds(2));

        HealthOutcome outcome = probe(spec).await(Deadline.NONE);

        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(outcome.lastStatus()).isNull();
        assertThat(outcome.lastError()).isEqualTo("exit status 1: warming up");
    }
}
