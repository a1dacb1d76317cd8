package dev.steward.relay.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.QueueStore;
import dev.steward.relay.testing.SmtpTestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue on a small tmpfs that fills up while several clients submit to the relay process:
 * never a 250 without the message stored (every 250'd message is readable afterwards), a 4xx for
 * the rest, a kill -9 and a restart while the disk is still full lose nothing (the relay starts and
 * answers 4xx), and intake
 * recovers when space returns. Mounting needs root, as CI has; without it the test fails and says
 * so (it is never skipped).
 */
class DiskFullChaosIT {

    private static final int CLIENTS = 4;

    @TempDir
    Path temp;

    private Path mountPoint;

    @AfterEach
    void unmount() throws Exception {
        if (mountPoint != null) {
            run("umount", "-l", mountPoint.toString());
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void fullQueueDisk_neverA250WithoutTheMessage_andIntakeRecovers() throws Exception {
        assertThat(System.getProperty("user.name")).as("DiskFullChaosIT mounts a tmpfs and needs root (CI runs as root); "
                + "run make chaos as root").isEqualTo("root");
        mountPoint = Files.createDirectories(temp.resolve("queue"));
        run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", mountPoint.toString());
        Path config = ChaosSetup.writeConfig(temp, mountPoint, "127.0.0.1:9", 9, "", "enabled = false");
        Map<String, String> acknowledged = new ConcurrentHashMap<>();   // chaos id -> queue id
        Map<String, AtomicInteger> replies = new TreeMap<>();
        ChaosResults results = new ChaosResults("disk-full");

        ChaosRelay relay = ChaosRelay.start(config, ChaosResults.logFile("disk-full", "relay-1.log"));
        // Leave about 1 MiB: a few dozen of the 16 KiB messages fit, then the disk is full.
        Path filler = mountPoint.resolve("filler");
        Files.write(filler, new byte[(int) Math.max(0, Files.getFileStore(mountPoint).getUsableSpace() - 1024 * 1024)]);
        AtomicInteger counter = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(Thread.ofPlatform().start(() -> sendUntilRefused(relay.address(), counter, acknowledged, replies, 5)));
        }
        for (Thread client : clients) {
            client.join(TimeUnit.SECONDS.toMillis(90));
            assertThat(client.isAlive()).as("client finished").isFalse();
        }
        int refusedWhileFull = count(replies, "4");
        results.put("clients", CLIENTS).put("tmpfs_size", "8m").put("message_size_kib", 16)
                .put("acknowledged_before_full", acknowledged.size()).put("replies_while_filling", replies.toString());
        System.out.println("chaos disk-full: acknowledged " + acknowledged.size() + ", replies " + replies);
        assertThat(replies.keySet()).as("only 250 or 4xx, never a 5xx").allMatch(code -> code.startsWith("250") || code.startsWith("4"));
        assertThat(refusedWhileFull).as("the disk filled up").isPositive();
        assertStored(mountPoint, acknowledged);

        // kill -9 while the disk is full, and a restart while it is still full: the relay starts
        // (the replay keeps the journal's segments it cannot write to files) and answers 4xx to new
        // mail once the little space the restart freed (a torn file of the replay) is used up;
        // every acknowledged message is still there.
        relay.kill9();
        String restartWhileFull;
        try (ChaosRelay second = ChaosRelay.start(config, ChaosResults.logFile("disk-full", "relay-2-still-full.log"))) {
            Map<String, AtomicInteger> whileFull = new TreeMap<>();
            sendUntilRefused(second.address(), counter, acknowledged, whileFull, 1, 20);
            restartWhileFull = "started; new messages got " + whileFull;
            assertThat(whileFull.keySet()).as("only 250 or 4xx").allMatch(code -> code.startsWith("250") || code.startsWith("4"));
            assertThat(count(whileFull, "4")).as("still full: 4xx within 20 messages").isPositive();
            assertStored(mountPoint, acknowledged);
            second.kill9();
        }
        System.out.println("chaos disk-full: restart on the full disk: " + restartWhileFull);
        results.put("restart_while_full", restartWhileFull);
        assertStored(mountPoint, acknowledged);

        // Space returns: the relay starts, everything acknowledged is there, and intake accepts again.
        Files.delete(filler);
        try (ChaosRelay third = ChaosRelay.start(config, ChaosResults.logFile("disk-full", "relay-3-space-back.log"))) {
            Map<String, AtomicInteger> after = new TreeMap<>();
            int before = acknowledged.size();
            sendUntilRefused(third.address(), counter, acknowledged, after, 0, 10);
            results.put("acknowledged_after_space_returned", acknowledged.size() - before).put("replies_after", after.toString());
            assertThat(acknowledged.size() - before).as("intake recovered").isEqualTo(10);
        }
        List<QueueEntry> queued = assertStored(mountPoint, acknowledged);
        results.put("acknowledged_total", acknowledged.size()).put("queued_total", queued.size())
                .put("lost", acknowledged.size() - countStored(mountPoint, acknowledged));
        results.write();
    }

    private static void sendUntilRefused(InetSocketAddress address, AtomicInteger counter, Map<String, String> acknowledged,
                                         Map<String, AtomicInteger> replies, int refusals) {
        sendUntilRefused(address, counter, acknowledged, replies, refusals, 400);
    }

    /** Sends 16 KiB messages until {@code refusals} 4xx replies (or {@code limit} messages). */
    private static void sendUntilRefused(InetSocketAddress address, AtomicInteger counter, Map<String, String> acknowledged,
                                         Map<String, AtomicInteger> replies, int refusals, int limit) {
        int refused = 0;
        try (SmtpTestClient client = ChaosSetup.connect(address)) {
            for (int sent = 0; sent < limit && (refusals == 0 || refused < refusals); sent++) {
                String id = "d" + counter.incrementAndGet();
                String reply = client.sendMessage(ChaosSetup.FROM, ChaosSetup.message(id, 200, "bob@example.test"), "bob@example.test");
                synchronized (replies) {
                    replies.computeIfAbsent(reply.length() >= 9 ? reply.substring(0, 9) : reply, key -> new AtomicInteger())
                            .incrementAndGet();
                }
                if (reply.startsWith("250 ")) {
                    acknowledged.put(id, reply.substring(reply.lastIndexOf(' ') + 1));
                } else {
                    refused++;
                    if (!client.command("RSET").startsWith("250")) {
                        return;
                    }
                }
            }
        } catch (IOException failed) {
            synchronized (replies) {
                replies.computeIfAbsent("io-error " + failed.getMessage(), key -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    private static int count(Map<String, AtomicInteger> replies, String prefix) {
        synchronized (replies) {
            return replies.entrySet().stream().filter(entry -> entry.getKey().startsWith(prefix))
                    .mapToInt(entry -> entry.getValue().get()).sum();
        }
    }

    /** Every acknowledged message is in the queue with its own content. */
    private static List<QueueEntry> assertStored(Path queue, Map<String, String> acknowledged) throws IOException {
        List<QueueEntry> entries = QueueStore.list(queue);
        Map<String, String> stored = new HashMap<>();
        for (QueueEntry entry : entries) {
            byte[] content = QueueStore.readContent(queue, entry.id()).orElse(null);
            if (content != null) {
                stored.put(entry.id().value(), ChaosSetup.idOf(new String(content, StandardCharsets.UTF_8)));
            }
        }
        for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
            assertThat(stored.get(ack.getValue())).as("acknowledged %s (queue id %s) readable", ack.getKey(), ack.getValue())
                    .isEqualTo(ack.getKey());
        }
        return entries;
    }

    private static int countStored(Path queue, Map<String, String> acknowledged) throws IOException {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (QueueEntry entry : QueueStore.list(queue)) {
            ids.add(entry.id().value());
        }
        return (int) acknowledged.values().stream().filter(ids::contains).count();
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
