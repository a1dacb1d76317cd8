package dev.steward.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.QueueStore;
import dev.steward.relay.testing.RelayProcess;
import dev.steward.relay.testing.SmtpTestClient;
import dev.steward.smtp.wire.client.Stage;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import dev.steward.testkit.ReceivedMessage;
import dev.steward.testkit.RecordingSmtpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * At-least-once across a crash: the relay is killed (-9) while a delivery waits for the
 * receiver's reply to the final dot; after the restart the message is still queued and is
 * delivered (issue 3 §3, "a message being delivered when the process dies is delivered again").
 */
class DeliveryCrashIT {

    @TempDir
    Path temp;

    private Path writeConfig(FakeDnsServer dns, int mxPort) throws Exception {
        Path config = temp.resolve("relay.toml");
        Files.writeString(config, """
                [server]
                hostname = "relay.test"

                [intake]
                listen = ["127.0.0.1:0"]
                app_domains = ["app.example.test"]

                [queue]
                directory = "%s"
                min_backoff = "1s"

                [dns]
                servers = ["%s"]

                [testing]
                mx_port_override = %d
                """.formatted(temp.resolve("queue"), dns.server(), mxPort), StandardCharsets.UTF_8);
        return config;
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void killNine_duringDelivery_messageDeliveredAfterRestart() throws Exception {
        DnsZone zone = DnsZone.builder().mx("example.test", 10, "mx.example.test").a("mx.example.test", "127.0.0.1").build();
        try (FakeDnsServer dns = new FakeDnsServer(zone).start();
                RecordingSmtpServer stalling = RecordingSmtpServer.builder().stall(Stage.DOT).start();
                RecordingSmtpServer healthy = RecordingSmtpServer.builder().start()) {
            String id;
            RelayProcess relay = RelayProcess.start(writeConfig(dns, stalling.port()), "--allow-test-overrides");
            try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
                client.reply();
                client.command("EHLO app.example.test");
                String reply = client.sendMessage("app@app.example.test",
                        "From: app@app.example.test\r\nTo: bob@example.test\r\nSubject: crash\r\n\r\nbody\r\n", "bob@example.test");
                assertThat(reply).startsWith("250 ");
                id = reply.substring(reply.lastIndexOf(' ') + 1);
                // The content reached the receiver, which never answers the final dot: the attempt is in flight.
                awaitConnectionWithContent(stalling);
            } finally {
                relay.kill9();
            }

            List<QueueEntry> afterCrash = QueueStore.list(temp.resolve("queue"));
            assertThat(afterCrash).extracting(entry -> entry.id().value()).containsExactly(id);

            RelayProcess restarted = RelayProcess.start(writeConfig(dns, healthy.port()), "--allow-test-overrides");
            try {
                ReceivedMessage delivered = healthy.awaitMessages(1, Duration.ofSeconds(30)).get(0);
                assertThat(delivered.contentAsString()).contains("with ESMTP id " + id, "Subject: crash");
            } finally {
                restarted.close();
            }
        }
    }

    private static void awaitConnectionWithContent(RecordingSmtpServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.connections().stream().noneMatch(connection -> connection.transcript().stream()
                .anyMatch(line -> line.contains("stalling at DOT")))) {
            assertThat(System.nanoTime()).as("the relay never sent the content").isLessThan(deadline);
            Thread.sleep(10); // the recording server's transcript has no event for "content received"
        }
    }
}
