package dev.steward.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.common.config.ConfigException;
import dev.steward.relay.app.RelayConfig;
import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.QueueStore;
import dev.steward.relay.testing.RelayFixture;
import dev.steward.relay.testing.SmtpTestClient;
import dev.steward.testkit.ReceivedMessage;
import dev.steward.testkit.RecordingSmtpServer;
import dev.steward.testkit.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [smarthost]} (MAIL-5) against a recording SMTP server with TLS and AUTH: STARTTLS and
 * implicit TLS, certificate verified against the trust anchors (here the test CA), AUTH only
 * inside TLS, never plaintext, a refused password defers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmarthostIT {

    private static final String FROM = "app@app.example.test";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private RecordingSmtpServer smarthost;
    private RelayFixture relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        if (smarthost != null) {
            smarthost.close();
        }
    }

    private Path config(int port, String tls, String password) throws Exception {
        Path passwordFile = temp.resolve("smarthost.password");
        Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        Path config = temp.resolve("relay.toml");
        Files.writeString(config, """
                [server]
                hostname = "relay.test"

                [intake]
                listen = ["127.0.0.1:0"]
                app_domains = ["app.example.test"]

                [queue]
                directory = "%s"

                [smarthost]
                host = "localhost"
                port = %d
                tls = "%s"
                username = "app@example.com"
                password_file = "%s"
                """.formatted(temp.resolve("queue"), port, tls, passwordFile), StandardCharsets.UTF_8);
        return config;
    }

    private void startRelay(Path config, X509ExtendedTrustManager trust) throws Exception {
        relay = RelayFixture.startFrom(temp, config, false, trust);
    }

    private String submit() throws Exception {
        try (SmtpTestClient client = relay.connect()) {
            client.command("EHLO app.example.test");
            String reply = client.sendMessage(FROM, "From: " + FROM + "\r\nTo: bob@example.org\r\nSubject: via smarthost\r\n\r\nbody\r\n",
                    "bob@example.org");
            assertThat(reply).startsWith("250 ");
            return reply.substring(reply.lastIndexOf(' ') + 1);
        }
    }

    private void awaitDeferred(String id) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (QueueStore.list(relay.queueDirectory()).stream().noneMatch(e -> e.id().value().equals(id) && e.state().equals("deferred"))) {
            assertThat(System.nanoTime()).as("message %s never deferred: %s", id, QueueStore.list(relay.queueDirectory()))
                    .isLessThan(deadline);
            Thread.sleep(10); // polling the queue directory: no event crosses into the test here
        }
    }

    private void awaitEmptyQueue() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!QueueStore.list(relay.queueDirectory()).isEmpty()) {
            assertThat(System.nanoTime()).as("queue never emptied").isLessThan(deadline);
            Thread.sleep(10); // polling the queue directory: no event crosses into the test here
        }
    }

    @Test
    void startTls_authInsideVerifiedTls_delivered() throws Exception {
        smarthost = RecordingSmtpServer.builder().startTls(TestCa.shared().serverContext()).auth("app@example.com", "s3cret").start();
        startRelay(config(smarthost.port(), "starttls", "s3cret"), TestCa.shared().trustManager());
        submit();
        ReceivedMessage received = smarthost.awaitMessages(1, WAIT).get(0);
        assertThat(received.tlsProtocol()).startsWith("TLSv1.");
        assertThat(received.authenticatedUser()).isEqualTo("app@example.com");
        assertThat(received.recipients()).containsExactly("bob@example.org");
        awaitEmptyQueue(); // the relay counts the delivery after the server's reply
        assertThat(relay.relay().metrics().render()).contains("steward_delivered_tls_total{tls=\"encrypted\"} 1");
    }

    @Test
    void implicitTls_authDelivered() throws Exception {
        smarthost = RecordingSmtpServer.builder().implicitTls(TestCa.shared().serverContext()).auth("app@example.com", "s3cret").start();
        startRelay(config(smarthost.port(), "implicit", "s3cret"), TestCa.shared().trustManager());
        submit();
        ReceivedMessage received = smarthost.awaitMessages(1, WAIT).get(0);
        assertThat(received.tlsProtocol()).startsWith("TLSv1.");
        assertThat(received.authenticatedUser()).isEqualTo("app@example.com");
    }

    @Test
    void wrongPassword_deferredNeverBounced() throws Exception {
        smarthost = RecordingSmtpServer.builder().startTls(TestCa.shared().serverContext()).auth("app@example.com", "s3cret").start();
        startRelay(config(smarthost.port(), "starttls", "wrong"), TestCa.shared().trustManager());
        String id = submit();
        awaitDeferred(id);
        assertThat(smarthost.messages()).isEmpty();
    }

    @Test
    void noStartTlsOffered_deferredNothingSentInPlaintext() throws Exception {
        smarthost = RecordingSmtpServer.builder().auth("app@example.com", "s3cret").start();
        startRelay(config(smarthost.port(), "starttls", "s3cret"), TestCa.shared().trustManager());
        String id = submit();
        awaitDeferred(id);
        assertThat(smarthost.messages()).isEmpty();
        assertThat(smarthost.connections()).allSatisfy(connection ->
                assertThat(connection.transcript()).noneMatch(line -> line.startsWith("C: AUTH") || line.startsWith("C: MAIL")));
    }

    @Test
    void untrustedCertificate_deferred() throws Exception {
        smarthost = RecordingSmtpServer.builder().startTls(TestCa.shared().serverContext()).auth("app@example.com", "s3cret").start();
        startRelay(config(smarthost.port(), "starttls", "s3cret"), null); // the JDK's cacerts: the test CA is not in it
        String id = submit();
        awaitDeferred(id);
        assertThat(smarthost.messages()).isEmpty();
        List<QueueEntry> queue = QueueStore.list(relay.queueDirectory());
        assertThat(queue.get(0).lastFailure()).contains("4.7.5");
    }

    @Test
    void passwordFileReadableByOthers_relayRefusesToStart() throws Exception {
        Path config = config(2525, "starttls", "s3cret");
        Files.setPosixFilePermissions(temp.resolve("smarthost.password"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> RelayConfig.load(config))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().toString())
                        .contains("password_file", "readable by its owner only"));
    }
}
