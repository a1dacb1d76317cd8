package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.testing.RelayFixture;
import dev.steward.relay.testing.RelayProcess;
import dev.steward.relay.testing.SmtpTestClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the relay process while several clients send: after every restart each message that
 * got a 250 is in the queue exactly once (by queue id and by its unique body marker).
 */
class CrashIT {

    private static final int CYCLES = 10;
    private static final int CLIENTS = 4;

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void killNine_underLoad_losesNoAcknowledgedMessage() throws Exception {
        Path config = RelayFixture.writeConfig(temp, "127.0.0.1:0", "");
        Map<String, String> acknowledged = new ConcurrentHashMap<>(); // queue id -> marker
        Random random = new Random(20261128);
        AtomicInteger markerCounter = new AtomicInteger();
        int killedWithClientsActive = 0;

        for (int cycle = 0; cycle < CYCLES; cycle++) {
            RelayProcess relay = RelayProcess.start(config);
            verifyQueue(acknowledged);
            int killAfter = 5 + random.nextInt(40);
            CountDownLatch enoughAcks = new CountDownLatch(killAfter);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(Thread.ofVirtual().start(() -> sendUntilFailure(relay, acknowledged, markerCounter, enoughAcks)));
            }
            assertThat(enoughAcks.await(60, TimeUnit.SECONDS)).as("clients made progress").isTrue();
            relay.kill9();
            for (Thread client : clients) {
                client.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(client.isAlive()).isFalse();
            }
            killedWithClientsActive++;
        }
        RelayProcess last = RelayProcess.start(config);
        try {
            verifyQueue(acknowledged);
        } finally {
            last.close();
        }
        assertThat(killedWithClientsActive).isEqualTo(CYCLES);
        assertThat(acknowledged.size()).isGreaterThanOrEqualTo(CYCLES * 5);
    }

    private static void sendUntilFailure(RelayProcess relay, Map<String, String> acknowledged, AtomicInteger markers,
                                         CountDownLatch progress) {
        try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
            client.reply();
            client.command("EHLO app.example.test");
            while (true) {
                String marker = "marker-" + markers.incrementAndGet();
                String reply = client.sendMessage("app@app.example.test",
                        "From: app@app.example.test\r\nSubject: " + marker + "\r\n\r\n" + marker + "\r\n", "bob@example.org");
                if (!reply.startsWith("250 ")) {
                    return;
                }
                acknowledged.put(reply.substring(reply.lastIndexOf(' ') + 1), marker);
                progress.countDown();
            }
        } catch (Exception killed) {
            // the relay was killed under us: expected; only acknowledged messages count
        }
    }

    private void verifyQueue(Map<String, String> acknowledged) throws Exception {
        List<QueueEntry> entries = QueueStore.list(temp.resolve("queue"));
        Map<String, Integer> idCounts = new HashMap<>();
        for (QueueEntry entry : entries) {
            idCounts.merge(entry.id().value(), 1, Integer::sum);
        }
        Map<String, Integer> markerCounts = new HashMap<>();
        for (QueueEntry entry : entries) {
            String content = new String(QueueStore.readContent(temp.resolve("queue"), entry.id()).orElseThrow(),
                    java.nio.charset.StandardCharsets.UTF_8);
            String marker = content.substring(content.indexOf("Subject: ") + 9, content.indexOf("\r\n", content.indexOf("Subject: ")));
            markerCounts.merge(marker, 1, Integer::sum);
        }
        for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
            assertThat(idCounts.get(ack.getKey())).as("acknowledged %s", ack.getKey()).isEqualTo(1);
            assertThat(markerCounts.get(ack.getValue())).as("marker %s", ack.getValue()).isEqualTo(1);
        }
        assertThat(markerCounts.values()).allMatch(count -> count == 1);
    }
}
