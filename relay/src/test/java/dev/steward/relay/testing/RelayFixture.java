package dev.steward.relay.testing;

import dev.steward.relay.app.RelayConfig;
import dev.steward.relay.app.RelayMain;
import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.QueueStore;
import dev.steward.relay.queue.RecipientState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A real relay in this JVM, on a free loopback port, with its queue in a temporary directory and
 * a config written as TOML (so tests exercise the same loading path as production).
 */
public final class RelayFixture implements AutoCloseable {

    private final Path directory;
    private final RelayMain relay;

    private RelayFixture(Path directory, RelayMain relay) {
        this.directory = directory;
        this.relay = relay;
    }

    /** {@code extraIntake} is appended to the {@code [intake]} section, e.g. {@code max_recipients = 3}. */
    public static RelayFixture start(Path directory, String extraIntake) throws Exception {
        return startFrom(directory, writeConfig(directory, "127.0.0.1:0", extraIntake));
    }

    public static RelayFixture startFrom(Path directory, Path configFile) throws Exception {
        return startFrom(directory, configFile, false);
    }

    /** {@code testOverrides}: accept {@code [testing]} as {@code --allow-test-overrides} does. */
    public static RelayFixture startFrom(Path directory, Path configFile, boolean testOverrides) throws Exception {
        return startFrom(directory, configFile, testOverrides, null);
    }

    /**
     * {@code trustAnchors}: what verified TLS trusts (a test CA's trust manager: MTA-STS policy
     * hosts, MX hosts under an enforced policy, the smarthost); null for the JDK's cacerts.
     */
    public static RelayFixture startFrom(Path directory, Path configFile, boolean testOverrides,
            X509ExtendedTrustManager trustAnchors) throws Exception {
        // As bin/steward relay does: a DKIM reload (admin socket) reads the same file again.
        RelayMain relay = new RelayMain(RelayConfig.load(configFile, testOverrides), Clock.systemUTC(), trustAnchors)
                .reloadFrom(() -> RelayConfig.load(configFile, testOverrides));
        relay.start();
        return new RelayFixture(directory, relay);
    }

    /** The running relay (tests that look at its metrics). */
    public RelayMain relay() {
        return relay;
    }

    public static Path writeConfig(Path directory, String listen, String extraIntake) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve("relay.toml");
        Files.writeString(file, """
                [server]
                hostname = "relay.test"

                [intake]
                listen = ["%s"]
                app_domains = ["app.example.test", "bücher.example"]
                %s

                [queue]
                directory = "%s"

                # Intake tests: accepted mail stays queued (no DNS, no delivery attempts).
                [delivery]
                enabled = false
                """.formatted(listen, extraIntake, directory.resolve("queue")), StandardCharsets.UTF_8);
        return file;
    }

    public InetSocketAddress address() {
        return relay.boundAddresses().get(0);
    }

    public SmtpTestClient connect() throws IOException {
        SmtpTestClient client = new SmtpTestClient(address());
        String greeting = client.reply();
        if (!greeting.startsWith("220 ")) {
            throw new IOException("unexpected greeting: " + greeting);
        }
        return client;
    }

    public Path queueDirectory() {
        return directory.resolve("queue");
    }

    /** One queued message as the tests see it: id, bytes as text, and an envelope summary. */
    public record Queued(String id, String content, String envelope) {
    }

    /**
     * The queued messages, sorted by queue id, read through the queue's own read API (the
     * journal and the queue files), so the tests do not depend on where a message lives.
     */
    public List<Queued> queuedMessages() throws IOException {
        List<Queued> messages = new ArrayList<>();
        for (QueueEntry entry : QueueStore.list(queueDirectory())) {
            byte[] bytes = QueueStore.readContent(queueDirectory(), entry.id())
                    .orElseThrow(() -> new IOException("listed but not readable: " + entry.id()));
            String envelope = "sender=" + entry.sender() + " recipients="
                    + entry.recipients().stream().map(RecipientState::address).toList();
            messages.add(new Queued(entry.id().value(), new String(bytes, StandardCharsets.UTF_8), envelope));
        }
        return messages;
    }

    public String onlyMessage() throws IOException {
        List<Queued> messages = queuedMessages();
        if (messages.size() != 1) {
            throw new AssertionError("expected exactly one queued message, found " + messages.size());
        }
        return messages.get(0).content();
    }

    public String envelopeOf(Queued message) {
        return message.envelope();
    }

    @Override
    public void close() {
        relay.close();
    }
}
