package dev.steward.relay.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.testing.RelayFixture;
import dev.steward.relay.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The relay's intake driven over raw sockets on loopback, with the real queue underneath. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IntakeIT {

    private static final String OK_FROM = "app@app.example.test";

    @TempDir
    Path temp;

    private RelayFixture relay;

    private RelayFixture relay(String extraIntake) throws Exception {
        relay = RelayFixture.start(temp, extraIntake);
        return relay;
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private static String message(String from, String body) {
        return "From: " + from + "\r\nTo: bob@example.org\r\nSubject: test\r\n\r\n" + body + "\r\n";
    }

    @Test
    void ehlo_advertisesExactlyTheExtensions() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            assertThat(client.command("EHLO app.example.test")).isEqualTo(String.join("\n",
                    "250-relay.test", "250-PIPELINING", "250-SIZE 26214400", "250-8BITMIME", "250-SMTPUTF8",
                    "250 ENHANCEDSTATUSCODES"));
        }
    }

    @Test
    void message_isQueuedWithReceivedMessageIdAndDate_andOtherwiseUnchanged() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            client.command("EHLO app.example.test");
            String reply = client.sendMessage(OK_FROM, message(OK_FROM, "Hello\r\n..leading dot\r\nend"), "bob@example.org");
            assertThat(reply).matches("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{12,16}");
            String id = reply.substring(reply.lastIndexOf(' ') + 1);
            String stored = relay.onlyMessage();
            assertThat(stored).startsWith("Received: from app.example.test ([127.0.0.1])\r\n\tby relay.test (Steward) with ESMTP id "
                    + id + "\r\n\tfor <bob@example.org>; ");
            assertThat(stored).containsPattern("\r\nMessage-ID: <" + id + "\\.[0-9a-z]+@relay\\.test>\r\n");
            assertThat(stored).containsPattern("\r\nDate: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n");
            assertThat(stored).endsWith(message(OK_FROM, "Hello\r\n.leading dot\r\nend"));
            assertThat(relay.queuedMessages().get(0).id()).isEqualTo(id);
        }
    }

    @Test
    void existingMessageIdAndDate_areKept() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            client.command("EHLO app.example.test");
            String content = "Message-ID: <abc@app.example.test>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n" + message(OK_FROM, "x");
            assertThat(client.sendMessage(OK_FROM, content, "bob@example.org")).startsWith("250 2.0.0");
            String stored = relay.onlyMessage();
            assertThat(stored.split("Message-ID:", -1)).hasSize(2);
            assertThat(stored.split("\r\nDate:", -1)).hasSize(2);
            assertThat(stored).endsWith(content);
        }
    }

    @Test
    void pipelinedTransaction_getsEveryReplyInOrder() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            client.send("EHLO app.example.test\r\nMAIL FROM:<" + OK_FROM + ">\r\nRCPT TO:<a@example.org>\r\n"
                    + "RCPT TO:<b@example.org>\r\nRCPT TO:<bad address>\r\nDATA\r\n");
            assertThat(client.reply()).startsWith("250-relay.test");
            assertThat(client.reply()).isEqualTo("250 2.1.0 Ok");
            assertThat(client.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(client.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(client.reply()).startsWith("501 5.5.4");
            assertThat(client.reply()).startsWith("354 ");
            client.send(message(OK_FROM, "pipelined") + ".\r\nQUIT\r\n");
            assertThat(client.reply()).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(client.reply()).isEqualTo("221 2.0.0 Bye");
            assertThat(relay.envelopeOf(relay.queuedMessages().get(0))).contains("a@example.org", "b@example.org");
        }
    }

    @ParameterizedTest
    @CsvSource({
            "app@app.example.test, 250",
            "APP@App.Example.TEST, 250",
            "a@deep.sub.app.example.test, 250",
            "a@app.example.test.evil.test, 553",
            "a@evil-app.example.test, 553",
            "a@example.test, 553",
            "a@xn--bcher-kva.example, 250",
            "a@mail.xn--bcher-kva.example, 250",
    })
    void envelopeSender_isConfinedToTheAppDomains(String sender, int expected) throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            client.command("EHLO app.example.test");
            String reply = client.command("MAIL FROM:<" + sender + ">");
            assertThat(reply).startsWith(Integer.toString(expected));
            if (expected == 553) {
                assertThat(reply).startsWith("553 5.7.1 <" + sender + ">: Sender address rejected:").contains("app.example.test");
            }
        }
    }

    @Test
    void unicodeSender_inAnIdnAppDomain_isAcceptedWithSmtputf8() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            client.command("EHLO app.example.test");
            assertThat(client.command("MAIL FROM:<app@bücher.example>")).startsWith("553 5.6.7");
            assertThat(client.command("MAIL FROM:<app@bücher.example> SMTPUTF8")).isEqualTo("250 2.1.0 Ok");
        }
    }

    @Test
    void nullSender_isRefused() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            client.command("EHLO app.example.test");
            assertThat(client.command("MAIL FROM:<>")).startsWith("553 5.7.1 The null sender <> is not accepted")
                    .contains("app.example.test");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil@evil.test", "\"app@app.example.test\" <evil@evil.test>", "app@app.example.test, evil@evil.test"})
    void headerFrom_outsideTheAppDomain_isRefused(String from) throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            client.command("EHLO app.example.test");
            String reply = client.sendMessage(OK_FROM, message(from, "x"), "bob@example.org");
            assertThat(reply).startsWith("550 5.7.1 From header address <evil@evil.test> rejected").contains("app.example.test");
            assertThat(relay.queuedMessages()).isEmpty();
        }
    }

    @Test
    void missingOrDoubleFrom_isRefused() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            client.command("EHLO app.example.test");
            assertThat(client.sendMessage(OK_FROM, "To: bob@example.org\r\nSubject: x\r\n\r\nbody\r\n", "bob@example.org"))
                    .startsWith("550 5.6.0 Message has no From header");
            assertThat(client.sendMessage(OK_FROM, "From: " + OK_FROM + "\r\n" + message(OK_FROM, "x"), "bob@example.org"))
                    .startsWith("550 5.6.0 Message has more than one From header");
            assertThat(relay.queuedMessages()).isEmpty();
        }
    }

    @Test
    void declaredSizeAndActualSize_overTheLimit_areRefused() throws Exception {
        try (SmtpTestClient client = relay("max_message_size = \"2KiB\"").connect()) {
            client.command("EHLO app.example.test");
            assertThat(client.command("MAIL FROM:<" + OK_FROM + "> SIZE=4096")).startsWith("552 5.3.4");
            String big = message(OK_FROM, "x".repeat(900) + "\r\n" + "y".repeat(900) + "\r\n" + "z".repeat(900));
            assertThat(client.sendMessage(OK_FROM, big, "bob@example.org")).startsWith("552 5.3.4");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            assertThat(relay.queuedMessages()).isEmpty();
        }
    }

    @Test
    void recipientsBeyondTheLimit_get452() throws Exception {
        try (SmtpTestClient client = relay("max_recipients = 2").connect()) {
            client.command("EHLO app.example.test");
            client.command("MAIL FROM:<" + OK_FROM + ">");
            assertThat(client.command("RCPT TO:<a@example.org>")).startsWith("250");
            assertThat(client.command("RCPT TO:<b@example.org>")).startsWith("250");
            assertThat(client.command("RCPT TO:<c@example.org>")).startsWith("452 4.5.3");
        }
    }

    @Test
    void bareCr_isRefused_andBareLf_isNormalisedByDefault() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            client.command("EHLO app.example.test");
            assertThat(client.sendMessage(OK_FROM, message(OK_FROM, "a\rb"), "bob@example.org")).startsWith("550 5.6.0")
                    .contains("bare <CR>");
            assertThat(client.sendMessage(OK_FROM, "From: " + OK_FROM + "\nSubject: lf\n\nline\r\n", "bob@example.org"))
                    .startsWith("250 2.0.0");
            assertThat(relay.onlyMessage()).endsWith("From: " + OK_FROM + "\r\nSubject: lf\r\n\r\nline\r\n");
        }
    }

    @Test
    void bareLf_inRejectMode_isRefused() throws Exception {
        try (SmtpTestClient client = relay("bare_lf = \"reject\"").connect()) {
            client.command("EHLO app.example.test");
            assertThat(client.sendMessage(OK_FROM, "From: " + OK_FROM + "\nSubject: lf\n\nline\n", "bob@example.org"))
                    .startsWith("550 5.6.0").contains("bare <LF>");
        }
    }

    @Test
    void commandsOutsideTheHappyPath_getTheRightCodes() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            assertThat(client.command("MAIL FROM:<" + OK_FROM + ">")).startsWith("503 5.5.1");
            assertThat(client.command("HELO app.example.test")).isEqualTo("250 relay.test");
            assertThat(client.command("RCPT TO:<a@example.org>")).startsWith("503 5.5.1");
            assertThat(client.command("DATA")).startsWith("503 5.5.1");
            assertThat(client.command("VRFY bob")).startsWith("252 2.5.0");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            assertThat(client.command("RSET")).isEqualTo("250 2.0.0 Ok");
            assertThat(client.command("HELP")).startsWith("214-2.0.0 ");
            assertThat(client.command("STARTTLS")).startsWith("502 5.5.1");
            assertThat(client.command("AUTH PLAIN AGFiYwBkZWY=")).startsWith("502 5.5.1");
            assertThat(client.command("BDAT 10 LAST")).startsWith("502 5.5.1");
            assertThat(client.command("XYZZY")).startsWith("500 5.5.2");
            assertThat(client.command("MAIL FROM:<" + OK_FROM + "> SIZE=10")).startsWith("555 5.5.4");
            assertThat(client.command("QUIT")).isEqualTo("221 2.0.0 Bye");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void recipientWithoutDomain_isRefused_becauseNothingIsDeliveredLocally() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            client.command("EHLO app.example.test");
            client.command("MAIL FROM:<" + OK_FROM + ">");
            assertThat(client.command("RCPT TO:<postmaster>")).startsWith("501 5.1.3");
            assertThat(client.command("RCPT TO:<root@[127.0.0.1]>")).startsWith("501 5.1.3");
        }
    }

    @Test
    void tooManyErrors_dropTheSession() throws Exception {
        try (SmtpTestClient client = relay("max_errors = 3").connect()) {
            assertThat(client.command("FOO")).startsWith("500");
            assertThat(client.command("BAR")).startsWith("500");
            assertThat(client.command("BAZ")).startsWith("500 5.5.2");
            assertThat(client.reply()).startsWith("421 4.7.0");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void idleClient_isTimedOutWith421() throws Exception {
        try (SmtpTestClient client = relay("command_timeout = \"300ms\"").connect()) {
            // No sleep: the read below blocks until the server acts on its timeout.
            assertThat(client.reply()).startsWith("421 4.4.2 relay.test Error: timeout exceeded");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void clientStallingInData_isTimedOutWith421_andNothingIsQueued() throws Exception {
        try (SmtpTestClient client = relay("data_timeout = \"300ms\"").connect()) {
            client.command("EHLO app.example.test");
            client.command("MAIL FROM:<" + OK_FROM + ">");
            client.command("RCPT TO:<bob@example.org>");
            assertThat(client.command("DATA")).startsWith("354");
            client.send("From: " + OK_FROM + "\r\nSubject: half a message\r\n");
            assertThat(client.reply()).startsWith("421 4.4.2 relay.test Error: timeout exceeded");
            assertThat(client.closedByServer()).isTrue();
            assertThat(relay.queuedMessages()).isEmpty();
        }
    }

    /**
     * Regression (issue 9, found by SlowClientChaosIT): the timeouts were per read, so a client
     * sending one byte just inside the timeout held its session, and a max_connections slot, for
     * ever. A command line must now arrive whole within command_timeout.
     */
    @Test
    void byteByByteCommand_isTimedOutByTheCommandDeadline() throws Exception {
        try (SmtpTestClient client = relay("command_timeout = \"1s\"").connect()) {
            long start = System.nanoTime();
            String reply = trickle(client, "EHLO " + "x".repeat(200) + "\r\n");
            assertThat(reply).startsWith("421 4.4.2 relay.test Error: timeout exceeded");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    /** The same in DATA: every max_line_length octets of content within data_timeout. */
    @Test
    void byteByByteContent_isTimedOutByTheDataDeadline() throws Exception {
        try (SmtpTestClient client = relay("data_timeout = \"1s\"").connect()) {
            client.command("EHLO app.example.test");
            client.command("MAIL FROM:<" + OK_FROM + ">");
            client.command("RCPT TO:<bob@example.org>");
            assertThat(client.command("DATA")).startsWith("354");
            long start = System.nanoTime();
            String reply = trickle(client, message(OK_FROM, "a message that comes one byte at a time"));
            assertThat(reply).startsWith("421 4.4.2 relay.test Error: timeout exceeded");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
            assertThat(relay.queuedMessages()).isEmpty();
        }
    }

    /**
     * Complete but useless commands cannot hold a session either (Postfix's
     * smtpd_junk_command_limit): past max_junk_commands, each NOOP/RSET/VRFY/HELP counts as an
     * error, and max_errors of those end the session with 421. Mail still flows before that.
     */
    @Test
    void junkCommandsPastTheLimit_countAsErrors_untilTheSessionIsDropped() throws Exception {
        try (SmtpTestClient client = relay("max_junk_commands = 5\nmax_errors = 3").connect()) {
            client.command("EHLO app.example.test");
            for (int i = 0; i < 5; i++) {
                assertThat(client.command(i % 2 == 0 ? "NOOP" : "RSET")).startsWith("250 2.0.0");
            }
            assertThat(client.sendMessage(OK_FROM, message(OK_FROM, "still served"), "bob@example.org"))
                    .startsWith("250 2.0.0");
            assertThat(client.command("NOOP")).startsWith("250 2.0.0");      // error 1 of 3
            assertThat(client.command("VRFY bob")).startsWith("252 2.5.0");  // error 2 of 3
            assertThat(client.command("HELP")).startsWith("214");             // error 3 of 3: dropped
            assertThat(client.reply()).isEqualTo("421 4.7.0 relay.test Error: too many errors");
            assertThat(client.closedByServer()).isTrue();
            assertThat(relay.queuedMessages()).hasSize(1);
        }
    }

    /**
     * Under stress (4/5 of max_connections in use) idle sessions get stress_command_timeout instead
     * of command_timeout — also the one that was already waiting before the stress began — so they
     * make room for applications that have mail (Postfix: smtpd_timeout = ${stress?10}{300}).
     */
    @Test
    void idleSessionsUnderStress_getTheShortStressTimeout_evenIfTheyWereWaitingBefore() throws Exception {
        relay("max_connections = 5\ncommand_timeout = \"5m\"\nstress_command_timeout = \"1s\"");
        List<SmtpTestClient> idle = new java.util.ArrayList<>();
        try {
            SmtpTestClient first = relay.connect();
            idle.add(first);
            first.command("EHLO app.example.test");   // waiting for its next command, 5 minutes armed
            for (int i = 0; i < 3; i++) {           // 4 of 5 in use: stress
                SmtpTestClient client = relay.connect();
                idle.add(client);
                client.command("EHLO app.example.test");
            }
            long start = System.nanoTime();
            for (SmtpTestClient client : idle) {
                assertThat(client.reply()).isEqualTo("421 4.4.2 relay.test Error: timeout exceeded");
                assertThat(client.closedByServer()).isTrue();
            }
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
        } finally {
            for (SmtpTestClient client : idle) {
                client.close();
            }
        }
    }

    /** Sends {@code text} one byte every 100 ms (each byte well inside the timeout) until the server answers. */
    private static String trickle(SmtpTestClient client, String text) throws Exception {
        for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
            if (client.socket().getInputStream().available() > 0) {
                break;
            }
            try {
                client.sendBytes(new byte[] {b});
            } catch (java.io.IOException closedByServer) {
                break;
            }
            Thread.sleep(100);   // the pace of the slow client is the subject of the test
        }
        return client.reply();
    }

    @Test
    void overlongCommandLine_isRefused_andTheSessionGoesOn() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            assertThat(client.command("NOOP " + "x".repeat(600))).startsWith("500 5.5.2");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void connectionsBeyondTheLimit_get421() throws Exception {
        relay("max_connections = 2");
        try (SmtpTestClient first = relay.connect(); SmtpTestClient second = relay.connect();
             SmtpTestClient third = new SmtpTestClient(relay.address())) {
            assertThat(third.reply()).startsWith("421 4.7.0");
            assertThat(first.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            assertThat(second.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void bigMessage_spillsToDisk_andIsStoredExactly() throws Exception {
        try (SmtpTestClient client = relay("").connect()) {
            client.command("EHLO app.example.test");
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                body.append("line ").append(i).append(" of a message larger than the in-memory spool\r\n");
            }
            String content = message(OK_FROM, body.toString());
            assertThat(client.sendMessage(OK_FROM, content, "bob@example.org")).startsWith("250 2.0.0");
            assertThat(relay.onlyMessage()).endsWith(content);
            try (var tmp = Files.list(relay.queueDirectory().resolve("tmp"))) {
                // the journal's spare segment (an empty file made ahead) is the only file kept there
                assertThat(tmp.map(path -> path.getFileName().toString())).allMatch("journal-segment.spare"::equals);
            }
        }
    }

    @Test
    void manyConcurrentSessions_eachMessageQueuedOnce() throws Exception {
        relay("");
        List<Thread> threads = new ArrayList<>();
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 20; t++) {
            int session = t;
            threads.add(Thread.ofVirtual().start(() -> {
                try (SmtpTestClient client = relay.connect()) {
                    client.command("EHLO app.example.test");
                    for (int m = 0; m < 10; m++) {
                        String reply = client.sendMessage(OK_FROM, message(OK_FROM, "s" + session + "m" + m), "bob@example.org");
                        ids.add(reply.substring(reply.lastIndexOf(' ') + 1));
                    }
                } catch (Exception failure) {
                    ids.add("FAILED " + failure);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(ids).hasSize(200).doesNotHaveDuplicates().allMatch(id -> id.matches("[0-9A-Z]{12,16}"));
        assertThat(relay.queuedMessages()).hasSize(200);
    }

    /**
     * A client that pipelines and reads nothing until it has sent everything: the replies (about
     * 5 MB) cannot fit in the socket buffers (the client's receive buffer is 4 KiB, the relay's
     * send buffer grows to 4 MiB at most), so the event loop's writes stall; it must then stop reading, wait until the socket is writable, and go on
     * where it stopped once the client reads. Every command gets its reply, in order, and the
     * session ends normally. A loop that dropped replies, or never resumed after a stalled write,
     * fails this (a missing reply, or the read timing out).
     */
    @Test
    @Timeout(120)
    void pipeliningFarBeyondTheSocketBuffers_everyReplyArrivesInOrder() throws Exception {
        relay("");
        int commands = 100_000;
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(relay.address(), 5000);
            socket.setSoTimeout(30_000);
            // The commands (240 kB) mostly fit in the socket buffers once the relay stops reading;
            // the sender runs on its own thread, so what does not fit cannot hang the test.
            Thread sender = Thread.ofPlatform().name("pipelining-sender").start(() -> {
                try {
                    java.io.OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 65536);
                    for (int i = 0; i < commands; i++) {
                        out.write("EHLO a\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // Read nothing until everything is sent (or the relay, having stopped reading, holds
            // the rest back): by then the relay's replies have filled the buffers.
            sender.join(java.time.Duration.ofSeconds(10));
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("220 ");
            for (int i = 0; i < commands; i++) {
                assertThat(in.readLine()).as("reply to EHLO %d", i).isEqualTo("250-relay.test");
                String line;
                while ((line = in.readLine()).startsWith("250-")) {
                    // the extensions
                }
                assertThat(line).as("last line of the reply to EHLO %d", i).startsWith("250 ");
            }
            assertThat(in.readLine()).startsWith("221 2.0.0");
            assertThat(in.readLine()).as("closed after QUIT").isNull();
            sender.join();
            assertThat(relay.queuedMessages()).isEmpty();
        }
    }
}
