package dev.steward.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.relay.admin.QueueCommand;
import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.QueueStore;
import dev.steward.relay.testing.RelayFixture;
import dev.steward.relay.testing.SmtpTestClient;
import dev.steward.smtp.wire.SmtpReply;
import dev.steward.smtp.wire.client.Stage;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import dev.steward.testkit.ReceivedMessage;
import dev.steward.testkit.RecordingSmtpServer;
import dev.steward.testkit.TestCa;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay end to end in this JVM (STYLE.md B4 tier 2): an application submits over SMTP, the
 * relay resolves the recipient domain at a fake DNS server on loopback and delivers to a
 * recording SMTP server on loopback ({@code [testing] mx_port_override}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeliveryIT {

    private static final String FROM = "app@app.example.test";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private FakeDnsServer dns;
    private RecordingSmtpServer mx;
    private RelayFixture relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        if (mx != null) {
            mx.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static DnsZone zone() {
        return DnsZone.builder()
                .mx("example.test", 10, "mx1.example.test")
                .mx("app.example.test", 10, "mx1.example.test")
                .a("mx1.example.test", "127.0.0.1")
                .nullMx("nullmx.test")
                .mx("dual.test", 10, "mx-dual.example.test")
                .aaaa("mx-dual.example.test", "::1")
                .a("mx-dual.example.test", "127.0.0.1")
                .mx("loop.test", 10, "self.example.test")
                .a("self.example.test", "127.0.0.1")
                .build();
    }

    private void start(RecordingSmtpServer.Builder server, String extraDelivery) throws Exception {
        dns = new FakeDnsServer(zone()).start();
        mx = server.start();
        relay = startRelay("127.0.0.1:0", mx.port(), extraDelivery);
    }

    private RelayFixture startRelay(String listen, int mxPort, String extraDelivery) throws Exception {
        Files.createDirectories(temp);
        Path config = temp.resolve("relay.toml");
        Files.writeString(config, """
                [server]
                hostname = "relay.test"

                [intake]
                listen = ["%s"]
                app_domains = ["app.example.test"]

                [queue]
                directory = "%s"

                [delivery]
                connect_timeout = "5s"
                starttls_timeout = "3s"
                %s

                [dns]
                servers = ["%s"]
                timeout = "2s"

                [testing]
                mx_port_override = %d
                """.formatted(listen, temp.resolve("queue"), extraDelivery, dns.server(), mxPort), StandardCharsets.UTF_8);
        return RelayFixture.startFrom(temp, config, true);
    }

    private static String message(String to, String subject) {
        return "From: " + FROM + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nHello.\r\n.. a line that starts with a dot\r\nBye.\r\n";
    }

    private String submit(String to, String subject) throws Exception {
        try (SmtpTestClient client = relay.connect()) {
            client.command("EHLO app.example.test");
            String reply = client.sendMessage(FROM, message(to, subject), to);
            assertThat(reply).startsWith("250 ");
            return reply.substring(reply.lastIndexOf(' ') + 1);
        }
    }

    private void awaitQueue(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what + "; queue: " + QueueStore.list(relay.queueDirectory()));
            }
            Thread.onSpinWait();
            Thread.sleep(10); // polling the queue directory: no event crosses the process boundary here
        }
    }

    private List<QueueEntry> queue() {
        try {
            return QueueStore.list(relay.queueDirectory());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String metrics() {
        return relay.relay().metrics().render();
    }

    @Test
    void delivery_startTlsOffered_deliveredEncryptedByteExactAndRemoved() throws Exception {
        start(RecordingSmtpServer.builder().startTls(TestCa.shared().serverContext()), "");
        String id = submit("bob@example.test", "over TLS");

        ReceivedMessage received = mx.awaitMessages(1, WAIT).get(0);
        awaitQueue(() -> queue().isEmpty(), "message removed after delivery");

        assertThat(received.sender()).isEqualTo(FROM);
        assertThat(received.recipients()).containsExactly("bob@example.test");
        assertThat(received.tlsProtocol()).startsWith("TLSv1.");
        String content = received.contentAsString();
        assertThat(content).startsWith("Received: from app.example.test ([127.0.0.1])\r\n\tby relay.test (Steward) with ESMTP id " + id);
        // Byte-exact: what the application sent after SMTP dot-unstuffing, behind the relay's trace headers.
        assertThat(content).endsWith(message("bob@example.test", "over TLS").replace("\r\n..", "\r\n."));
        assertThat(metrics()).contains("steward_delivered_tls_total{tls=\"encrypted\"} 1", "steward_deliveries_total{status=\"sent\"} 1");
    }

    @Test
    void delivery_startTlsHandshakeFails_retriedInPlaintextOnTheSameMx() throws Exception {
        start(RecordingSmtpServer.builder().brokenStartTls(RecordingSmtpServer.BrokenTls.GARBAGE), "");
        submit("bob@example.test", "fallback");

        ReceivedMessage received = mx.awaitMessages(1, WAIT).get(0);
        awaitQueue(() -> queue().isEmpty(), "message removed after delivery");
        assertThat(received.tlsProtocol()).isNull();
        assertThat(mx.acceptedConnections()).isEqualTo(2);
        assertThat(metrics()).contains("steward_delivered_tls_total{tls=\"fallback\"} 1");
    }

    @Test
    void delivery_noStartTls_plaintext() throws Exception {
        start(RecordingSmtpServer.builder(), "");
        submit("bob@example.test", "plain");
        mx.awaitMessages(1, WAIT);
        awaitQueue(() -> queue().isEmpty(), "message removed after delivery");
        assertThat(metrics()).contains("steward_delivered_tls_total{tls=\"none\"} 1");
    }

    @Test
    void delivery_recipientRefused550_bounceToTheSenderThatParsesAsMultipartReport() throws Exception {
        start(RecordingSmtpServer.builder().replyToRecipient("nobody@example.test",
                SmtpReply.of(550, "5.1.1", "nobody here")), "");
        submit("nobody@example.test", "to nobody");

        List<ReceivedMessage> received = mx.awaitMessages(1, WAIT);
        ReceivedMessage bounce = received.get(0);
        assertThat(bounce.sender()).isEmpty();
        assertThat(bounce.recipients()).containsExactly(FROM);
        String text = bounce.contentAsString();
        assertThat(text).contains("From: MAILER-DAEMON@app.example.test (Mail Delivery System)", "multipart/report",
                "report-type=delivery-status", "Final-Recipient: rfc822; nobody@example.test", "Status: 5.1.1",
                "Action: failed");
        awaitQueue(() -> queue().isEmpty(), "original and bounce removed");
    }

    @Test
    void delivery_temporaryFailure_deferredWithReasonThenFlushDelivers() throws Exception {
        AtomicInteger rcpts = new AtomicInteger();
        start(RecordingSmtpServer.builder().script((stage, argument, index) -> stage == Stage.RCPT
                && rcpts.getAndIncrement() == 0 ? SmtpReply.of(450, "4.2.0", "mailbox busy") : null), "");
        String id = submit("bob@example.test", "later");

        awaitQueue(() -> queue().stream().anyMatch(e -> e.state().equals("deferred")), "message deferred");
        QueueEntry deferred = queue().get(0);
        assertThat(deferred.id().value()).isEqualTo(id);
        assertThat(deferred.lastFailure()).contains("450 4.2.0 mailbox busy");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QueueCommand.run(List.of("flush"), relay.queueDirectory(), false, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();

        mx.awaitMessages(1, WAIT);
        awaitQueue(() -> queue().isEmpty(), "message removed after the retry");
    }

    @Test
    void delivery_mxNeverAnswersTheConnect_deferredAfterConnectTimeout() throws Exception {
        // A listener whose accept queue is full: the kernel drops further SYNs, so a connect to it
        // waits (as to a host behind a dropping firewall) until the relay's connect_timeout ends it.
        try (ServerSocket blackHole = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> queued = new java.util.ArrayList<>();
            try {
                while (true) {
                    java.net.Socket filler = new java.net.Socket();
                    try {
                        filler.connect(blackHole.getLocalSocketAddress(), 200);
                        queued.add(filler);
                    } catch (java.net.SocketTimeoutException full) {
                        filler.close();
                        break;
                    }
                    assertThat(queued).as("the accept queue never filled").hasSizeLessThan(64);
                }
                dns = new FakeDnsServer(zone()).start();
                relay = startRelay("127.0.0.1:0", blackHole.getLocalPort(), "");
                long start = System.nanoTime();
                String id = submit("bob@example.test", "nobody answers");

                awaitQueue(() -> queue().stream().anyMatch(e -> e.state().equals("deferred")), "message deferred");
                QueueEntry deferred = queue().get(0);
                assertThat(deferred.id().value()).isEqualTo(id);
                assertThat(deferred.lastFailure()).contains("connect to mx1.example.test[127.0.0.1]:" + blackHole.getLocalPort())
                        .containsIgnoringCase("timed out");
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofSeconds(5).toNanos());
            } finally {
                for (java.net.Socket filler : queued) {
                    filler.close();
                }
            }
        }
    }

    @Test
    void delivery_cachedConnectionClosedByTheReceiverAfterA450_flushReconnectsInsteadOfDeferringAgain() throws Exception {
        // After a refused recipient the client leaves the transaction open and the connection in
        // the cache; the next message on it starts with RSET. A receiver that went away in the
        // meantime (restarted, idle timeout) closes instead of answering: that is a dead cached
        // connection, not a failure of the destination (found with a restarted Postfix,
        // interop-tests PostfixMxInteropIT).
        AtomicInteger rcpts = new AtomicInteger();
        start(RecordingSmtpServer.builder().disconnect(Stage.RSET).script((stage, argument, index) -> stage == Stage.RCPT
                && rcpts.getAndIncrement() == 0 ? SmtpReply.of(450, "4.2.0", "mailbox busy") : null), "");
        submit("bob@example.test", "later");
        // Deferred and no longer in flight: the manager has scheduled the retry, so the flush
        // below cannot be overtaken by it.
        awaitQueue(() -> metrics().contains("steward_queue_messages{state=\"deferred\"} 1"), "message deferred");

        int code = QueueCommand.run(List.of("flush"), relay.queueDirectory(), false,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(code).isZero();

        mx.awaitMessages(1, WAIT);
        awaitQueue(() -> queue().isEmpty(), "message removed after the retry");
        assertThat(mx.acceptedConnections()).isEqualTo(2);
        assertThat(metrics()).contains("steward_deliveries_total{status=\"deferred\"} 1", "steward_deliveries_total{status=\"sent\"} 1");
    }

    @Test
    void delivery_smarthost_connectsToItsOwnPort_notToPort25OrTheMxOverride() throws Exception {
        dns = new FakeDnsServer(zone()).start();
        mx = RecordingSmtpServer.builder().start(); // no STARTTLS: the relay must stop after EHLO
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        // [smarthost] after the [delivery] lines; the MX override points at a closed port.
        relay = startRelay("127.0.0.1:0", closedPort, "\n[smarthost]\nhost = \"localhost\"\nport = " + mx.port() + "\n");
        submit("bob@example.test", "via the smarthost");

        awaitQueue(() -> metrics().contains("steward_queue_messages{state=\"deferred\"} 1"), "message deferred");
        assertThat(mx.acceptedConnections()).isEqualTo(1);
        assertThat(mx.messages()).isEmpty();
        assertThat(queue().get(0).lastFailure()).contains("4.7.4", "TLS is required, but was not offered by host localhost[127.0.0.1]");
    }

    @Test
    void delivery_nullMx_bouncedWith5110() throws Exception {
        start(RecordingSmtpServer.builder(), "");
        submit("someone@nullmx.test", "nowhere");
        ReceivedMessage bounce = mx.awaitMessages(1, WAIT).get(0);
        assertThat(bounce.sender()).isEmpty();
        assertThat(bounce.contentAsString()).contains("Status: 5.1.10");
        awaitQueue(() -> queue().isEmpty(), "original and bounce removed");
    }

    @Test
    void delivery_ipv6AddressRefused_fallsBackToIpv4WithinTheSameAttempt() throws Exception {
        // The recording server listens on 127.0.0.1 only: [::1] on its port refuses the connection.
        start(RecordingSmtpServer.builder(), "address_preference = \"ipv6\"");
        submit("bob@dual.test", "dual stack");
        mx.awaitMessages(1, WAIT);
        awaitQueue(() -> queue().isEmpty(), "message removed after delivery");
        assertThat(metrics()).contains("steward_deliveries_total{status=\"sent\"} 1",
                "steward_deliveries_total{status=\"deferred\"} 0");
    }

    @Test
    void delivery_domainDoesNotExist_bouncedWith512() throws Exception {
        start(RecordingSmtpServer.builder(), "");
        submit("someone@no-such-domain.test", "nowhere");
        ReceivedMessage bounce = mx.awaitMessages(1, WAIT).get(0);
        assertThat(bounce.sender()).isEmpty();
        assertThat(bounce.contentAsString()).contains("Status: 5.1.2");
        awaitQueue(() -> queue().isEmpty(), "original and bounce removed");
    }

    @Test
    void delivery_needsSmtputf8ReceiverLacksIt_bouncedWith567() throws Exception {
        start(RecordingSmtpServer.builder().smtpUtf8(false), "");
        try (SmtpTestClient client = relay.connect()) {
            client.command("EHLO app.example.test");
            assertThat(client.command("MAIL FROM:<" + FROM + "> SMTPUTF8")).startsWith("250");
            assertThat(client.command("RCPT TO:<b\u00f8b@example.test>")).startsWith("250");
            assertThat(client.command("DATA")).startsWith("354");
            client.send("From: " + FROM + "\r\nTo: b\u00f8b@example.test\r\nSubject: utf8\r\n\r\nhej\r\n.\r\n");
            assertThat(client.reply()).startsWith("250 ");
        }
        ReceivedMessage bounce = mx.awaitMessages(1, WAIT).get(0);
        assertThat(bounce.sender()).isEmpty();
        assertThat(bounce.contentAsString()).contains("Status: 5.6.7");
        awaitQueue(() -> queue().isEmpty(), "original and bounce removed");
    }

    @Test
    void delivery_severalMessagesToOneDestination_shareOneConnection() throws Exception {
        start(RecordingSmtpServer.builder(), "");
        for (int i = 1; i <= 3; i++) {
            submit("bob@example.test", "message " + i);
            mx.awaitMessages(i, WAIT);
            // The receiver has the message before the relay has read its 250 and cached the
            // connection; the message leaves the queue only after that.
            awaitQueue(() -> queue().isEmpty(), "message " + i + " removed after delivery");
        }
        assertThat(mx.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void delivery_mxIsThisRelay_loopBouncedWith546NeverDeliveredToItself() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        dns = new FakeDnsServer(zone()).start();
        mx = RecordingSmtpServer.builder().start();
        relay = startRelay("127.0.0.1:" + port, port, "");
        String id = submit("someone@loop.test", "loop");
        // The bounce goes to app.example.test, whose MX is the recording server... on the relay's
        // own port too (one port override for all MX hosts): it loops as well and, being a bounce,
        // is dropped. So: nothing reaches any server, and both leave the queue.
        awaitQueue(() -> queue().isEmpty(), "looping message bounced and bounce dropped");
        assertThat(mx.acceptedConnections()).isZero();
        assertThat(metrics()).contains("steward_deliveries_total{status=\"bounced\"} 2");
        assertThat(id).isNotEmpty();
    }
}
