package dev.steward.relay.chaos;

import dev.steward.relay.testing.SmtpTestClient;
import dev.steward.testkit.DnsZone;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the chaos scenarios share: the relay's config, the test DNS zone, the message they send. */
final class ChaosSetup {

    static final String FROM = "app@app.example.test";
    static final String ID_HEADER = "X-Chaos-Id: ";

    private ChaosSetup() {
    }

    /** Both test domains (and the app domain, for bounces) have their MX on 127.0.0.1. */
    static DnsZone zone() {
        return DnsZone.builder()
                .mx("example.test", 10, "mx.example.test")
                .mx("other.test", 10, "mx.example.test")
                .mx("app.example.test", 10, "mx.example.test")
                .a("mx.example.test", "127.0.0.1")
                .build();
    }

    /**
     * The relay's intake journal segments in these tests: 64 KiB instead of 16 MiB, so that every
     * relay instance between two kills fills, checkpoints and recycles segments many times over
     * (about 50 messages of 1 KiB each), and kills land in recycled segment files.
     */
    static final int JOURNAL_SEGMENT_BYTES = 64 * 1024;

    /**
     * A relay config with short timers: retries after 1 s (the floor of {@code min_backoff}), the
     * MX port of every host = {@code mxPort} and small journal segments ({@code [testing]});
     * {@code extraIntake} and {@code extraDelivery} are appended to their sections.
     */
    static Path writeConfig(Path directory, Path queue, String dnsServer, int mxPort, String extraIntake,
                            String extraDelivery) throws IOException {
        Files.createDirectories(directory);
        Path config = directory.resolve("relay.toml");
        Files.writeString(config, """
                [server]
                hostname = "relay.test"

                [intake]
                listen = ["127.0.0.1:0"]
                app_domains = ["app.example.test"]
                %s

                [queue]
                directory = "%s"
                min_backoff = "1s"
                max_backoff = "2s"

                [delivery]
                mta_sts = false
                connect_timeout = "2s"
                %s

                [dns]
                servers = ["%s"]
                timeout = "1s"

                [testing]
                mx_port_override = %d
                journal_segment_bytes = %d
                """.formatted(extraIntake, queue, extraDelivery, dnsServer, mxPort, JOURNAL_SEGMENT_BYTES), StandardCharsets.UTF_8);
        return config;
    }

    /** A message whose header and body carry {@code id}, about {@code bodyLines} × 80 octets. */
    static String message(String id, int bodyLines, String... recipients) {
        StringBuilder text = new StringBuilder()
                .append("From: ").append(FROM).append("\r\n")
                .append("To: ").append(String.join(", ", recipients)).append("\r\n")
                .append("Subject: chaos ").append(id).append("\r\n")
                .append(ID_HEADER).append(id).append("\r\n\r\n");
        for (int line = 0; line < bodyLines; line++) {
            text.append(id).append(' ').append("0123456789".repeat(7)).append("\r\n");
        }
        return text.toString();
    }

    /** The chaos id in a message's text, or null. */
    static String idOf(String content) {
        int start = content.indexOf(ID_HEADER);
        if (start < 0) {
            return null;
        }
        start += ID_HEADER.length();
        return content.substring(start, content.indexOf("\r\n", start));
    }

    /** Connects, reads the greeting and says EHLO; throws unless both are positive. */
    static SmtpTestClient connect(InetSocketAddress address) throws IOException {
        SmtpTestClient client = new SmtpTestClient(address);
        String greeting = client.reply();
        if (!greeting.startsWith("220")) {
            client.close();
            throw new IOException("greeting: " + greeting);
        }
        String ehlo = client.command("EHLO app.example.test");
        if (!ehlo.startsWith("250")) {
            client.close();
            throw new IOException("EHLO: " + ehlo);
        }
        return client;
    }
}
