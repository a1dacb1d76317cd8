package dev.steward.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.QueueStore;
import dev.steward.relay.testing.RelayFixture;
import dev.steward.relay.testing.SmtpTestClient;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/steward queue ...} against a running relay (over its admin socket) and against a
 * stopped one (on the queue directory), and {@code GET /metrics}. The recipient domain answers
 * SERVFAIL, so messages stay deferred and can be looked at.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueAdminIT {

    private static final String FROM = "app@app.example.test";

    @TempDir
    Path temp;

    private FakeDnsServer dns;
    private RelayFixture relay;

    @BeforeEach
    void start() throws Exception {
        dns = new FakeDnsServer(DnsZone.builder().servfail("broken.test").build()).start();
        Path config = temp.resolve("relay.toml");
        Files.writeString(config, """
                [server]
                hostname = "relay.test"

                [intake]
                listen = ["127.0.0.1:0"]
                app_domains = ["app.example.test"]

                [queue]
                directory = "%s"

                [dns]
                servers = ["%s"]
                timeout = "1s"
                attempts = 1

                [metrics]
                listen = "127.0.0.1:0"
                """.formatted(temp.resolve("queue"), dns.server()), StandardCharsets.UTF_8);
        relay = RelayFixture.startFrom(temp, config);
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        dns.close();
    }

    private String submit(String to) throws Exception {
        try (SmtpTestClient client = relay.connect()) {
            client.command("EHLO app.example.test");
            String reply = client.sendMessage(FROM, "From: " + FROM + "\r\nTo: " + to + "\r\nSubject: admin\r\n\r\nbody\r\n", to);
            assertThat(reply).startsWith("250 ");
            return reply.substring(reply.lastIndexOf(' ') + 1);
        }
    }

    private record Run(int code, String out, String err) {
    }

    private Run queue(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QueueCommand.run(List.of(args), relay.queueDirectory(), false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String stateOf(String id) throws Exception {
        for (QueueEntry entry : QueueStore.list(relay.queueDirectory())) {
            if (entry.id().value().equals(id)) {
                return entry.state();
            }
        }
        return "gone";
    }

    private void awaitState(String id, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!stateOf(id).equals(state)) {
            assertThat(System.nanoTime()).as("message %s never reached %s (now %s)", id, state, stateOf(id)).isLessThan(deadline);
            Thread.sleep(10); // polling the queue directory: the test sees no event of the relay's
        }
    }

    @Test
    void online_listShowHoldReleaseDelete_throughTheAdminSocket() throws Exception {
        String id = submit("bob@broken.test");
        awaitState(id, "deferred");
        assertThat(Files.exists(relay.queueDirectory().resolve("admin.sock"))).isTrue();

        Run list = queue("list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains(id, FROM, "bob@broken.test", "4.4.3");

        Run show = queue("show", id);
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains(id, "Subject: admin", "body");

        assertThat(queue("hold", id).code()).isZero();
        assertThat(stateOf(id)).isEqualTo("hold");
        assertThat(queue("flush").code()).isZero();
        assertThat(stateOf(id)).isEqualTo("hold");

        assertThat(queue("release", id).code()).isZero();
        awaitState(id, "deferred");

        Run delete = queue("delete", id);
        assertThat(delete.code()).as(delete.err()).isZero();
        awaitState(id, "gone");
        Run again = queue("delete", id);
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("no such message");
    }

    @Test
    void online_deleteAll_everyMessageGoneHeldOnesToo() throws Exception {
        List<String> ids = List.of(submit("bob@broken.test"), submit("carol@broken.test"), submit("dave@broken.test"));
        for (String id : ids) {
            awaitState(id, "deferred");
        }
        assertThat(queue("hold", ids.get(0)).code()).isZero();

        Run all = queue("delete", "ALL");

        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out()).contains("3 deleted");
        assertThat(QueueStore.list(relay.queueDirectory())).isEmpty();
        Run again = queue("delete", "ALL");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("0 deleted");
        assertThat(queue("delete", "all").code()).as("only ALL means all").isEqualTo(QueueCommand.EX_USAGE);
    }

    @Test
    void offline_relayStopped_verbsWorkOnTheDirectory() throws Exception {
        String id = submit("bob@broken.test");
        awaitState(id, "deferred");
        relay.close();
        relay = null;
        RelayFixture stopped = null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path queueDirectory = temp.resolve("queue");
        int code = QueueCommand.run(List.of("hold", id), queueDirectory, false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("relay not running");
        assertThat(QueueStore.list(queueDirectory)).extracting(QueueEntry::state).containsExactly("hold");
        code = QueueCommand.run(List.of("delete", "ALL"), queueDirectory, false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 deleted");
        assertThat(QueueStore.list(queueDirectory)).isEmpty();
        assertThat(stopped).isNull();
    }

    @Test
    void metrics_prometheusTextOnLoopback() throws Exception {
        String id = submit("bob@broken.test");
        awaitState(id, "deferred");
        var address = relay.relay().metricsAddress().orElseThrow();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + address.getPort() + "/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body()).contains("steward_queue_messages{state=\"deferred\"} 1",
                "steward_deliveries_total{status=\"deferred\"} 1", "steward_delivery_delay_seconds_bucket{le=\"+Inf\"} 0");
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);
    }
}
