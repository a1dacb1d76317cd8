package dev.steward.relay.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.QueueStore;
import dev.steward.relay.queue.RecipientState;
import dev.steward.relay.testing.SmtpTestClient;
import dev.steward.testkit.FakeDnsServer;
import dev.steward.testkit.ReceivedMessage;
import dev.steward.testkit.RecordingSmtpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the relay process at random moments while clients submit and the relay delivers to
 * a recording sink: afterwards every recipient of every message that got a 250 was delivered or is
 * still queued (zero lost), and duplicates are counted, each traced to the relay instance that was
 * killed after delivering it (at-least-once for deliveries in flight at a kill).
 *
 * <p>The kill instants are drawn from a seeded {@link Random} ({@code -Dchaos.seed}, logged) and
 * the count is {@code -Dchaos.kills} (default 25). Relay logs stay in {@code target/chaos/kill9/}.
 */
class KillNineChaosIT {

    private static final int KILLS = Integer.getInteger("chaos.kills", 25);
    private static final long SEED = Long.getLong("chaos.seed", 20261128L);
    private static final int CLIENTS = 4;

    @TempDir
    Path temp;

    /** What the load generator knows: per chaos id, the queue id and the recipients of a 250. */
    private final Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, String> queueIds = new ConcurrentHashMap<>();
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();  // the relay died before its reply
    private final List<String> clientFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger acknowledgedRecipients = new AtomicInteger();
    private final AtomicInteger tempFailures = new AtomicInteger();
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicReference<InetSocketAddress> relayAddress = new AtomicReference<>();
    private volatile boolean stopping;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void killNine_atRandomMomentsUnderLoad_noAcknowledgedMessageLost() throws Exception {
        Random random = new Random(SEED);
        System.out.println("chaos kill9: seed=" + SEED + " kills=" + KILLS);
        Path queue = temp.resolve("queue");
        List<String> rows = new ArrayList<>();
        List<Integer> sinkCountAtKill = new ArrayList<>();   // instance i delivered sink messages [count(i-1), count(i))
        List<List<String>> instanceLogs = new ArrayList<>();
        List<Integer> segmentsBegun = new ArrayList<>();       // the highest journal segment number at each kill
        AtomicInteger recycledSeen = new AtomicInteger();      // segment files seen again under a later name
        long started = System.nanoTime();
        try (FakeDnsServer dns = new FakeDnsServer(ChaosSetup.zone()).start();
             RecordingSmtpServer sink = RecordingSmtpServer.builder().start()) {
            Path config = ChaosSetup.writeConfig(temp, queue, dns.server(), sink.port(), "", "");
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(Thread.ofPlatform().name("chaos-client-" + c).start(this::sendUntilStopped));
            }
            for (int kill = 1; kill <= KILLS; kill++) {
                ChaosRelay relay = ChaosRelay.start(config, ChaosResults.logFile("kill9", "relay-" + kill + ".log"));
                relayAddress.set(relay.address());
                int ackedBefore = acknowledged.size();
                int uptimeMillis = 300 + random.nextInt(2700);
                // The random instant of the kill, the point of this test; meanwhile journal/ is looked
                // at every 50 ms for a segment file seen before under an earlier segment's name.
                long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(uptimeMillis);
                Map<Object, String> segmentFiles = new HashMap<>();
                for (long left; (left = killAt - System.nanoTime()) > 0; ) {
                    recycledSeen.addAndGet(recycledSince(queue, segmentFiles));
                    Thread.sleep(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
                }
                relayAddress.set(null);
                relay.kill9();
                // The relay's delivery connections die with it; once the sink has seen them end, every
                // message it accepted from this instance is in its list.
                sink.awaitNoOpenConnections(Duration.ofSeconds(10));
                sinkCountAtKill.add(sink.messages().size());
                instanceLogs.add(relay.log());
                segmentsBegun.add(highestSegment(queue)); // numbered from 1 again by each instance
                int acked = acknowledged.size() - ackedBefore;
                System.out.printf("chaos kill9: kill %d after %d ms up, %d acknowledged in this run, sink has %d%n",
                        kill, uptimeMillis, acked, sink.messages().size());
                rows.add(kill + "," + uptimeMillis + "," + acked + "," + acknowledged.size() + "," + acknowledgedRecipients.get()
                        + "," + sink.messages().size());
            }
            stopping = true;
            for (Thread client : clients) {
                client.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(client.isAlive()).as("client ended").isFalse();
            }

            // The drain: a last, undisturbed relay delivers what is left, then stops cleanly.
            long drainStart = System.nanoTime();
            ChaosRelay last = ChaosRelay.start(config, ChaosResults.logFile("kill9", "relay-final.log"));
            Set<String> expected = new HashSet<>();
            acknowledged.forEach((id, recipients) -> recipients.forEach(recipient -> expected.add(id + "/" + recipient)));
            awaitDelivered(sink, expected, Duration.ofSeconds(90));
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            last.close();
            sinkCountAtKill.add(sink.messages().size());
            instanceLogs.add(last.log());

            // What arrived, per (chaos id, recipient), and in which relay instance.
            Map<String, List<Integer>> deliveries = new HashMap<>();
            List<ReceivedMessage> received = sink.messages();
            for (int index = 0; index < received.size(); index++) {
                ReceivedMessage message = received.get(index);
                String id = ChaosSetup.idOf(message.contentAsString());
                assertThat(id).as("sink message %d carries a chaos id", index).isNotNull();
                int instance = instanceOf(index, sinkCountAtKill);
                for (String recipient : message.recipients()) {
                    deliveries.computeIfAbsent(id + "/" + recipient, key -> new ArrayList<>()).add(instance);
                }
                // The relay's Received header names its queue id ("with ESMTP id ..."), also for a
                // message whose 250 the kill swallowed.
                String content = message.contentAsString();
                int at = content.indexOf("with ESMTP id ");
                if (at >= 0) {
                    int from = at + "with ESMTP id ".length();
                    int to = from;
                    while (to < content.length() && Character.isLetterOrDigit(content.charAt(to))) {
                        to++;
                    }
                    queueIds.putIfAbsent(id, content.substring(from, to));
                }
            }
            // What is still queued (the relay is stopped: read the directory), per (chaos id, recipient).
            Set<String> stillQueued = new HashSet<>();
            for (QueueEntry entry : QueueStore.list(queue)) {
                String content = new String(QueueStore.readContent(queue, entry.id()).orElseThrow(), StandardCharsets.UTF_8);
                for (RecipientState recipient : entry.recipients()) {
                    if (RecipientState.PENDING.equals(recipient.status())) {
                        stillQueued.add(ChaosSetup.idOf(content) + "/" + recipient.address());
                    }
                }
            }

            List<String> lost = expected.stream().filter(key -> !deliveries.containsKey(key) && !stillQueued.contains(key))
                    .sorted().toList();
            int duplicates = 0;
            int duplicatesSentLogged = 0;
            int arrivedInKilledInstance = 0;
            long maxArrivalToKill = -1;
            List<String> duplicateRows = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> delivery : deliveries.entrySet()) {
                List<Integer> instances = delivery.getValue();
                if (instances.size() < 2) {
                    continue;
                }
                duplicates += instances.size() - 1;
                assertThat(new HashSet<>(instances)).as("copies of %s come from different relay instances (%s): "
                        + "a duplicate within one instance is not explained by a kill", delivery.getKey(), instances)
                        .hasSameSizeAs(instances);
                String id = delivery.getKey().substring(0, delivery.getKey().indexOf('/'));
                String queueId = queueIds.get(id);
                int first = instances.get(0);
                boolean sentLogged = queueId != null && instanceLogs.get(first).stream()
                        .anyMatch(line -> line.contains(" delivery queue_id=" + queueId + " ") && line.contains("status=sent"));
                if (sentLogged) {
                    duplicatesSentLogged++;
                }
                // How close to the kill: from the message's arrival (when it arrived in the killed
                // instance) to that instance's last log line, i.e. about the moment of the kill.
                long arrivalToKill = queueId == null ? -1 : millisBeforeEnd(instanceLogs.get(first), " queued queue_id=" + queueId + " ");
                if (arrivalToKill >= 0) {
                    arrivedInKilledInstance++;
                    maxArrivalToKill = Math.max(maxArrivalToKill, arrivalToKill);
                }
                duplicateRows.add(delivery.getKey() + "," + queueId + "," + instances.toString().replace(',', ' ') + "," + sentLogged);
            }
            long unacknowledgedDelivered = deliveries.keySet().stream()
                    .filter(key -> !expected.contains(key)).map(key -> key.substring(0, key.indexOf('/'))).distinct().count();
            int ackedRecipients = expected.size();
            int deliveredAcked = (int) expected.stream().filter(deliveries::containsKey).count();
            int queuedAcked = (int) expected.stream().filter(key -> !deliveries.containsKey(key) && stillQueued.contains(key)).count();

            int medianSegments = segmentsBegun.stream().sorted().toList().get(segmentsBegun.size() / 2);
            ChaosResults results = new ChaosResults("kill9")
                    .put("seed", SEED)
                    .put("kills", KILLS)
                    .put("clients", CLIENTS)
                    .put("messages_acknowledged", acknowledged.size())
                    .put("recipients_acknowledged", ackedRecipients)
                    .put("recipients_delivered", deliveredAcked)
                    .put("recipients_still_queued", queuedAcked)
                    .put("recipients_lost", lost.size())
                    .put("duplicate_deliveries", duplicates)
                    .put("duplicates_logged_sent_before_kill", duplicatesSentLogged)
                    .put("duplicates_arrived_in_the_killed_instance", arrivedInKilledInstance)
                    .put("duplicates_max_arrival_to_kill_ms", maxArrivalToKill)
                    .put("temp_failures", tempFailures.get())
                    .put("unanswered_submissions", unanswered.size())
                    .put("unacknowledged_but_delivered", unacknowledgedDelivered)
                    .put("sink_messages", received.size())
                    .put("journal_segment_bytes", ChaosSetup.JOURNAL_SEGMENT_BYTES)
                    .put("journal_segments_begun", segmentsBegun.stream().mapToInt(Integer::intValue).sum())
                    .put("journal_segments_begun_median", medianSegments)
                    .put("journal_segment_files_seen_recycled", recycledSeen.get())
                    .put("drain_seconds", String.format(java.util.Locale.ROOT, "%.1f", drainSeconds))
                    .put("total_seconds", String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9))
                    .put("lost_examples", String.join(" ", lost.subList(0, Math.min(10, lost.size()))));
            results.write();
            results.writeTable("kills", "kill,uptime_ms,acknowledged_in_run,acknowledged_total,recipients_acknowledged_total,sink_total", rows);
            results.writeTable("duplicates", "key,queue_id,instances,sent_logged_before_kill", duplicateRows);
            System.out.println("chaos kill9: " + Map.of("acknowledged", acknowledged.size(), "recipients", ackedRecipients,
                    "delivered", deliveredAcked, "queued", queuedAcked, "lost", lost.size(), "duplicates", duplicates));

            // Small segments: most instances filled, checkpointed and recycled several before their kill.
            assertThat(medianSegments).as("journal segments begun by the median instance").isGreaterThanOrEqualTo(5);
            assertThat(recycledSeen.get()).as("segment files seen again as a later segment").isPositive();
            assertThat(clientFailures).as("replies the clients did not expect").isEmpty();
            assertThat(lost).as("acknowledged recipients neither delivered nor queued").isEmpty();
            assertThat(acknowledged.size()).as("the load reached the relay").isGreaterThanOrEqualTo(KILLS * 5);
        } finally {
            stopping = true;
        }
    }

    /** Milliseconds from the first log line containing {@code marker} to the log's last line; -1 when none. */
    private static long millisBeforeEnd(List<String> log, String marker) {
        if (log.isEmpty()) {
            return -1;
        }
        String last = null;
        for (int index = log.size() - 1; index >= 0 && last == null; index--) {
            if (log.get(index).matches("^\\d{4}-\\d\\d-\\d\\dT.*")) {
                last = log.get(index);
            }
        }
        for (String line : log) {
            if (last != null && line.contains(marker)) {
                return java.time.Duration.between(timestamp(line), timestamp(last)).toMillis();
            }
        }
        return -1;
    }

    private static java.time.Instant timestamp(String line) {
        return java.time.OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
    }

    /** Instance i (from 0) is the i-th relay started; the sink's message {@code index} came from it. */
    private static int instanceOf(int index, List<Integer> sinkCountAtKill) {
        for (int instance = 0; instance < sinkCountAtKill.size(); instance++) {
            if (index < sinkCountAtKill.get(instance)) {
                return instance;
            }
        }
        throw new AssertionError("sink message " + index + " after the last relay stopped");
    }

    private static void awaitDelivered(RecordingSmtpServer sink, Set<String> expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        Set<String> delivered = new HashSet<>();
        while (System.nanoTime() < deadline) {
            List<ReceivedMessage> messages = sink.messages();
            for (; seen < messages.size(); seen++) {
                String id = ChaosSetup.idOf(messages.get(seen).contentAsString());
                messages.get(seen).recipients().forEach(recipient -> delivered.add(id + "/" + recipient));
            }
            if (delivered.containsAll(expected)) {
                return;
            }
            try {
                sink.awaitMessages(seen + 1, Duration.ofMillis(500));
            } catch (AssertionError nothingNew) {
                // no new message within 500 ms: look again until the deadline
            }
        }
    }

    /** One client: connects to whichever relay runs, sends until the relay dies, reconnects. */
    private void sendUntilStopped() {
        while (!stopping) {
            InetSocketAddress address = relayAddress.get();
            if (address == null) {
                pause();
                continue;
            }
            String pending = null;
            try (SmtpTestClient client = ChaosSetup.connect(address)) {
                while (!stopping) {
                    int number = counter.incrementAndGet();
                    String id = "c" + number;
                    String[] recipients = number % 4 == 0
                            ? new String[] {"bob" + number + "@example.test", "carol" + number + "@other.test"}
                            : new String[] {"bob" + number + "@example.test"};
                    pending = id;
                    String reply = client.sendMessage(ChaosSetup.FROM, ChaosSetup.message(id, 12, recipients), recipients);
                    pending = null;
                    if (reply.startsWith("250 ")) {
                        queueIds.put(id, reply.substring(reply.lastIndexOf(' ') + 1));
                        acknowledged.put(id, List.of(recipients));
                        acknowledgedRecipients.addAndGet(recipients.length);
                    } else if (reply.startsWith("4")) {
                        tempFailures.incrementAndGet();
                        client.command("RSET");
                    } else {
                        throw new AssertionError("unexpected reply to " + id + ": " + reply);
                    }
                }
                client.command("QUIT");
            } catch (IOException killed) {
                // The relay was killed under this client: only acknowledged messages count.
                if (pending != null) {
                    unanswered.add(pending);
                }
            } catch (AssertionError unexpected) {
                clientFailures.add(unexpected.getMessage());
                return;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);   // polling for the next relay instance; no event to wait on across processes
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The highest segment number in the queue's {@code journal/} (0 if none): how many the killed instance began. */
    private static int highestSegment(Path queue) throws java.io.IOException {
        try (var files = Files.list(queue.resolve("journal"))) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.matches("[0-9]+\\.wal"))
                    .mapToInt(name -> Integer.parseInt(name.substring(0, name.length() - 4))).max().orElse(0);
        }
    }

    /**
     * Segment files in {@code journal/} now that {@code seen} knew under another name (a file is
     * known by its inode): recycled since the last look. Records every file's current name.
     */
    private static int recycledSince(Path queue, Map<Object, String> seen) throws java.io.IOException {
        int recycled = 0;
        List<Path> files;
        try (var list = Files.list(queue.resolve("journal"))) {
            files = list.toList();
        } catch (java.nio.file.NoSuchFileException notYet) {
            return 0;
        }
        for (Path file : files) {
            Object inode;
            try {
                inode = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            } catch (java.nio.file.NoSuchFileException gone) {
                continue; // checkpointed meanwhile
            }
            String name = file.getFileName().toString();
            String before = seen.put(inode, name);
            if (before != null && !before.equals(name)) {
                recycled++;
            }
        }
        return recycled;
    }
}
