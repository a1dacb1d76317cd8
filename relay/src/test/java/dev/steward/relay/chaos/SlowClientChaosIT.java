package dev.steward.relay.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.testing.SmtpTestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients against the relay process: a few hundred connections that say nothing, or send a
 * command or message content one byte at a time, do not keep a normal client from being served,
 * and the intake's timeouts close every one of them. The test config shortens the timeouts
 * ({@code [intake] command_timeout = data_timeout = 3s}, defaults 5 and 10 minutes).
 *
 * <p>Two phases: with {@code max_connections = 400} (room for all of them: the normal client must
 * be served while they hang), and with the default of 100 (they fill the slots: the normal client
 * must be refused {@code 421 4.7.0} at once, never left hanging, and be served once the timeouts
 * have freed the slots).
 */
class SlowClientChaosIT {

    private static final int TIMEOUT_SECONDS = 3;
    private static final int PER_KIND = Integer.getInteger("chaos.slowClients", 100);
    private static final long TRICKLE_MILLIS = 200;

    @TempDir
    Path temp;

    /** How one slow connection ended. */
    private record Ended(String kind, double seconds, String how) {
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void slowClients_doNotStopOthers_andAreClosedByTheTimeouts() throws Exception {
        ChaosResults results = new ChaosResults("slow-clients");
        results.put("slow_connections", 3 * PER_KIND).put("timeout_seconds", TIMEOUT_SECONDS)
                .put("trickle_interval_ms", TRICKLE_MILLIS);
        String timeouts = "command_timeout = \"" + TIMEOUT_SECONDS + "s\"\ndata_timeout = \"" + TIMEOUT_SECONDS + "s\"\n";

        // Phase 1: room for everyone.
        Path roomy = ChaosSetup.writeConfig(temp.resolve("roomy"), temp.resolve("roomy/queue"), "127.0.0.1:9", 9,
                timeouts + "max_connections = 400", "enabled = false");
        List<Ended> ended;
        try (ChaosRelay relay = ChaosRelay.start(roomy, ChaosResults.logFile("slow-clients", "relay-roomy.log"))) {
            ConcurrentLinkedQueue<Ended> endings = new ConcurrentLinkedQueue<>();
            CountDownLatch connected = new CountDownLatch(3 * PER_KIND);
            List<Thread> slow = startSlowClients(relay.address(), connected, endings);
            assertThat(connected.await(60, TimeUnit.SECONDS)).as("all slow clients connected and greeted").isTrue();
            long slowest = 0;
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                try (SmtpTestClient client = ChaosSetup.connect(relay.address())) {
                    assertThat(client.sendMessage(ChaosSetup.FROM, ChaosSetup.message("normal" + i, 3, "bob@example.test"),
                            "bob@example.test")).startsWith("250 ");
                    client.command("QUIT");
                }
                slowest = Math.max(slowest, System.nanoTime() - start);
            }
            results.put("normal_transactions", 5).put("normal_slowest_ms", TimeUnit.NANOSECONDS.toMillis(slowest));
            System.out.println("chaos slow: normal client's slowest transaction " + TimeUnit.NANOSECONDS.toMillis(slowest)
                    + " ms while " + 3 * PER_KIND + " slow connections hang");
            for (Thread thread : slow) {
                thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS + 40));
            }
            ended = new ArrayList<>(endings);
            for (String kind : List.of("idle", "byte-by-byte command", "byte-by-byte DATA")) {
                List<Ended> ofKind = ended.stream().filter(end -> end.kind().equals(kind)).toList();
                double longest = ofKind.stream().mapToDouble(Ended::seconds).max().orElse(-1);
                long closedWith421 = ofKind.stream().filter(end -> end.how().startsWith("421 4.4.2")).count();
                String key = kind.replace(' ', '_').replace("-", "_").toLowerCase(Locale.ROOT);
                results.put(key + "_closed", ofKind.stream().filter(end -> !end.how().equals("still open")).count())
                        .put(key + "_closed_with_421", closedWith421)
                        .put(key + "_longest_seconds", String.format(Locale.ROOT, "%.1f", longest));
                System.out.printf("chaos slow: %s: %d ended, %d with 421 4.4.2, longest %.1f s, e.g. %s%n", kind, ofKind.size(),
                        closedWith421, longest, ofKind.isEmpty() ? "-" : ofKind.get(0).how());
            }
            results.write();
            assertThat(slowest).as("a normal transaction while they hang").isLessThan(TimeUnit.SECONDS.toNanos(5));
            assertThat(ended).hasSize(3 * PER_KIND);
            assertThat(ended).as("every slow connection closed by the relay with 421 4.4.2 within the timeout (+5 s)")
                    .allSatisfy(end -> {
                        assertThat(end.how()).startsWith("421 4.4.2");
                        assertThat(end.seconds()).isLessThan(TIMEOUT_SECONDS + 5);
                    });
        }

        // Phase 2: the default limit of 100 sessions, filled by idle clients.
        Path tight = ChaosSetup.writeConfig(temp.resolve("tight"), temp.resolve("tight/queue"), "127.0.0.1:9", 9,
                timeouts, "enabled = false");
        try (ChaosRelay relay = ChaosRelay.start(tight, ChaosResults.logFile("slow-clients", "relay-tight.log"))) {
            List<Socket> idle = new ArrayList<>();
            int refused = 0;
            long phaseStart = System.nanoTime();
            for (int i = 0; i < 150; i++) {
                Socket socket = new Socket();
                socket.connect(relay.address(), 5000);
                socket.setSoTimeout(30_000);
                String greeting = readReply(socket.getInputStream());
                if (greeting.startsWith("421 4.7.0")) {
                    refused++;
                    socket.close();
                } else {
                    idle.add(socket);
                }
            }
            long start = System.nanoTime();
            String refusal;
            try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
                refusal = client.reply();
            }
            long refusalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // Served again once the command timeout has closed the idle sessions.
            long servedAfter = -1;
            while (servedAfter < 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS + 20)) {
                try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
                    String greeting = client.reply();
                    if (greeting.startsWith("220")) {
                        client.command("EHLO app.example.test");
                        assertThat(client.sendMessage(ChaosSetup.FROM, ChaosSetup.message("after", 3, "bob@example.test"),
                                "bob@example.test")).startsWith("250 ");
                        servedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - phaseStart);
                    }
                }
                if (servedAfter < 0) {
                    Thread.sleep(200);   // the client's retry interval (an app would retry later too)
                }
            }
            for (Socket socket : idle) {
                socket.close();
            }
            results.put("limited_sessions", 100).put("limited_idle_admitted", idle.size())
                    .put("limited_refused_421", refused)
                    .put("limited_normal_reply", refusal).put("limited_normal_reply_ms", refusalMillis)
                    .put("limited_served_again_after_ms", servedAfter);
            results.write();
            System.out.printf("chaos slow: limit 100: %d admitted, %d refused; normal client got '%s' in %d ms, served after %d ms%n",
                    idle.size(), refused, refusal, refusalMillis, servedAfter);
            assertThat(refusal).startsWith("421 4.7.0");
            assertThat(refusalMillis).isLessThan(5000);
            assertThat(servedAfter).as("served once the idle sessions timed out").isPositive();
        }
    }

    private List<Thread> startSlowClients(InetSocketAddress address, CountDownLatch connected, ConcurrentLinkedQueue<Ended> endings) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < PER_KIND; i++) {
            threads.add(Thread.ofVirtual().start(() -> slowClient(address, "idle", connected, endings)));
            threads.add(Thread.ofVirtual().start(() -> slowClient(address, "byte-by-byte command", connected, endings)));
            threads.add(Thread.ofVirtual().start(() -> slowClient(address, "byte-by-byte DATA", connected, endings)));
        }
        return threads;
    }

    /** One slow connection; records when and how the relay ended it (or "still open" after 40 s). */
    private static void slowClient(InetSocketAddress address, String kind, CountDownLatch connected, ConcurrentLinkedQueue<Ended> endings) {
        long start = 0;
        String how = "still open";
        try (Socket socket = new Socket()) {
            socket.connect(address, 10_000);
            socket.setSoTimeout(45_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String greeting = readReply(in);
            if (!greeting.startsWith("220")) {
                endings.add(new Ended(kind, 0, "greeting " + greeting));
                connected.countDown();
                return;
            }
            byte[] trickle;
            if (kind.equals("byte-by-byte DATA")) {
                out.write("EHLO app.example.test\r\nMAIL FROM:<app@app.example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int replies = 0; replies < 4; replies++) {
                    readReply(in);
                }
                trickle = ChaosSetup.message("slow", 50, "bob@example.test").getBytes(StandardCharsets.US_ASCII);
            } else if (kind.equals("byte-by-byte command")) {
                trickle = ("EHLO " + "slow".repeat(100) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            } else {
                trickle = new byte[0];
            }
            start = System.nanoTime();
            connected.countDown();
            how = trickleUntilClosed(in, out, trickle);
        } catch (IOException failed) {
            how = "error " + failed;
        } finally {
            double seconds = start == 0 ? 0 : (System.nanoTime() - start) / 1e9;
            endings.add(new Ended(kind, seconds, how));
        }
    }

    /** Writes {@code trickle} one byte at a time until the relay answers or closes; its reply, or "still open". */
    private static String trickleUntilClosed(InputStream in, OutputStream out, byte[] trickle) throws IOException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        int next = 0;
        while (System.nanoTime() < giveUp) {
            if (in.available() > 0 || next >= trickle.length) {
                try {
                    return readReply(in);
                } catch (IOException closed) {
                    return "closed without reply";
                }
            }
            try {
                out.write(trickle[next++]);
                out.flush();
                Thread.sleep(TRICKLE_MILLIS);   // the trickle's pace is what is under test
            } catch (IOException closed) {
                try {
                    return readReply(in);
                } catch (IOException noReply) {
                    return "closed without reply";
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return "still open";
    }

    /** One reply (its last line), or an exception at end of stream. */
    private static String readReply(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed; so far: " + line);
            }
            if (c == '\n') {
                String text = line.toString().stripTrailing();
                if (text.length() < 4 || text.charAt(3) != '-') {
                    return text;
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
    }
}
