package dev.steward.relay.testing;

import dev.steward.relay.app.RelayConfig;
import dev.steward.relay.app.RelayMain;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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
        RelayMain relay = new RelayMain(RelayConfig.load(configFile));
        relay.start();
        return new RelayFixture(directory, relay);
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

    /** The stored messages (*.msg in incoming/), sorted by queue id. */
    public List<Path> queuedMessages() throws IOException {
        Path incoming = queueDirectory().resolve("incoming");
        try (Stream<Path> files = Files.list(incoming)) {
            return new ArrayList<>(files.filter(p -> p.toString().endsWith(".msg")).sorted().toList());
        }
    }

    public String onlyMessage() throws IOException {
        List<Path> messages = queuedMessages();
        if (messages.size() != 1) {
            throw new AssertionError("expected exactly one queued message, found " + messages.size());
        }
        return Files.readString(messages.get(0), StandardCharsets.UTF_8);
    }

    public String envelopeOf(Path message) throws IOException {
        String name = message.getFileName().toString();
        return Files.readString(message.resolveSibling(name.substring(0, name.length() - 4) + ".env"));
    }

    @Override
    public void close() {
        relay.close();
    }
}
