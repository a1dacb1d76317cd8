package dev.steward.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.steward.relay.queue.QueueEntry;
import dev.steward.relay.queue.QueueId;
import dev.steward.relay.queue.RecipientState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class MailqFormatterTest {

    private static final MailqFormatter FORMATTER = new MailqFormatter(ZoneId.of("Europe/Brussels"));

    private static List<QueueEntry> sample() {
        return List.of(
                new QueueEntry(QueueId.parse("0C8Q2M4K9ABC"), "active", 1234, Instant.parse("2026-11-28T10:00:00Z"),
                        "app@app.example.test", List.of(new RecipientState("bob@example.org", "pending", null)), null),
                new QueueEntry(QueueId.parse("0C8Q2M4K9ABD0000"), "deferred", 70_000,
                        Instant.parse("2026-11-01T06:05:09Z"), "",
                        List.of(new RecipientState("ann@example.org", "sent", null),
                                new RecipientState("carl@example.net", "pending",
                                        "connect to mx.example.net[198.51.100.7]:25: Connection timed out"),
                                new RecipientState("dora@example.net", "failed", "host mx said: 450 4.2.0 mailbox busy")),
                        "connect to mx.example.net[198.51.100.7]:25: Connection timed out"),
                new QueueEntry(QueueId.parse("0C8Q2M4K9ABE000"), "hold", 5, Instant.parse("2026-07-04T22:59:59Z"),
                        "evil@example.test\r\nfake line", List.of(new RecipientState("x@example.org", "pending", null)),
                        "held by operator"));
    }

    @Test
    void render_sample_matchesGolden() throws IOException {
        assertGolden("mailq.txt", FORMATTER.render(sample()));
    }

    @Test
    void render_oneEntry_exactPostfixLayout() {
        assertThat(FORMATTER.render(sample().subList(0, 1))).isEqualTo("""
                -Queue ID-        --Size-- ----Arrival Time---- -Sender/Recipient-------
                0C8Q2M4K9ABC*         1234 Sat Nov 28 11:00:00  app@app.example.test
                                                                 bob@example.org

                -- 2 Kbytes in 1 Request.
                """);
    }

    @Test
    void render_empty_mailQueueIsEmpty() {
        assertThat(FORMATTER.render(List.of())).isEqualTo("Mail queue is empty\n");
    }

    @Test
    void renderJson_sample_postqueueFieldNames() throws IOException {
        String json = FORMATTER.renderJson(sample());
        assertGolden("mailq.json", json);
        JsonNode array = JsonMapper.builder().build().readTree(json);
        assertThat(array.isArray()).isTrue();
        assertThat(array.get(1).get("queue_name").asText()).isEqualTo("deferred");
        assertThat(array.get(1).get("arrival_time").asLong()).isEqualTo(Instant.parse("2026-11-01T06:05:09Z").getEpochSecond());
        assertThat(array.get(1).get("recipients").get(2).get("delay_reason").asText()).contains("mailbox busy");
        assertThat(array.get(2).get("sender").asText()).isEqualTo("evil@example.test\r\nfake line");
    }

    @Test
    void renderJson_empty_emptyArray() {
        assertThat(FORMATTER.renderJson(List.of())).isEqualTo("[]\n");
    }

    /** Compares with src/test/resources/golden/NAME; {@code -Dgolden.update=true} rewrites it. */
    private static void assertGolden(String name, String actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(Path.of("src/test/resources/golden", name), actual, StandardCharsets.UTF_8);
        }
        try (InputStream in = MailqFormatterTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file %s (create it with -Dgolden.update=true)", name).isNotNull();
            assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
