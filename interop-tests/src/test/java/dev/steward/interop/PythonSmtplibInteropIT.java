package dev.steward.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Python's smtplib (Debian's /usr/bin/python3) against the relay: several recipients, an RFC 2920
 * pipelined transaction, SMTPUTF8 with a UTF-8 local part, and a refused sender. The client is
 * {@code smtp_client.py} (a test resource), which prints one JSON object.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PythonSmtplibInteropIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode runClient(RelayProcess relay, String mode) {
        Path script = relay.workDir().resolve("smtp_client.py");
        try (InputStream in = PythonSmtplibInteropIT.class.getResourceAsStream("smtp_client.py")) {
            Files.write(script, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CommandRun.Result result = CommandRun.run(List.of(InteropPaths.PYTHON3.toString(), script.toString(), mode,
                Integer.toString(relay.port())), relay.workDir(), "python-" + mode, Duration.ofSeconds(60));
        assertThat(result.exitCode()).as(result.describe()).isZero();
        try {
            JsonNode node = JSON.readTree(result.stdout());
            assertThat(node.has("error")).as(result.describe() + "\n" + relay.output()).isFalse();
            return node;
        } catch (IOException e) {
            throw new AssertionError("the client did not print JSON\n" + result.describe(), e);
        }
    }

    /** `mailq --json` for the relay's config: the queue as the admin CLI reports it. */
    private static JsonNode mailq(RelayProcess relay) {
        CommandRun.Result result = CommandRun.run(RelayProcess.cliCommand("mailq", "--config",
                relay.configFile().toString(), "--json"), relay.workDir(), "mailq", Duration.ofSeconds(60));
        assertThat(result.exitCode()).as(result.describe()).isZero();
        try {
            JsonNode node = JSON.readTree(result.stdout());
            assertThat(node.isArray()).as(result.describe()).isTrue();
            return node;
        } catch (IOException e) {
            throw new AssertionError("mailq --json did not print JSON\n" + result.describe(), e);
        }
    }

    private static List<String> recipientsOf(JsonNode entry) {
        List<String> addresses = new ArrayList<>();
        entry.path("recipients").forEach(r -> addresses.add(r.path("address").asText()));
        return addresses;
    }

    private static JsonNode onlyQueuedEntry(RelayProcess relay) {
        JsonNode queue = mailq(relay);
        assertThat(queue.size()).as(queue.toPrettyString() + "\n" + relay.output()).isEqualTo(1);
        JsonNode entry = queue.get(0);
        assertThat(QueuedMessage.ids(relay.queueDir())).containsExactly(entry.path("queue_id").asText());
        return entry;
    }

    @Test
    void sendMessageToThreeRecipientsIsQueuedOnceForAllThree() {
        try (RelayProcess relay = RelayProcess.start(InteropPaths.newWorkDir("python-send3"),
                RelayProcess.Settings.defaults())) {
            JsonNode result = runClient(relay, "send3");

            assertThat(result.path("refused").size()).as(result.toPrettyString()).isZero();
            List<String> features = new ArrayList<>();
            result.path("features").forEach(f -> features.add(f.asText()));
            assertThat(features).contains("pipelining", "size", "8bitmime", "smtputf8", "enhancedstatuscodes")
                    .doesNotContain("starttls", "auth");
            JsonNode entry = onlyQueuedEntry(relay);
            assertThat(recipientsOf(entry)).containsExactlyInAnyOrder("one@example.test", "two@example.test",
                    "three@example.test");
            assertThat(entry.path("sender").asText()).isEqualTo("app@app.example.test");
        }
    }

    @Test
    void pipelinedTransactionGetsEveryReplyInOrder() {
        try (RelayProcess relay = RelayProcess.start(InteropPaths.newWorkDir("python-pipelined"),
                RelayProcess.Settings.defaults())) {
            JsonNode result = runClient(relay, "pipelined");

            assertThat(result.path("ehlo_keywords").toString()).contains("\"PIPELINING\"");
            List<Integer> codes = new ArrayList<>();
            result.path("group").forEach(r -> codes.add(r.get(0).asInt()));
            assertThat(codes).as(result.toPrettyString()).containsExactly(250, 250, 250, 250, 354);
            assertThat(result.path("final").get(0).asInt()).as(result.toPrettyString()).isEqualTo(250);
            assertThat(result.path("final").get(1).asText()).startsWith("2.0.0").contains("queued as");
            assertThat(result.path("quit").asInt()).isEqualTo(221);
            JsonNode entry = onlyQueuedEntry(relay);
            assertThat(recipientsOf(entry)).containsExactlyInAnyOrder("p1@example.test", "p2@example.test",
                    "p3@example.test");
        }
    }

    @Test
    void smtputf8RecipientWithUtf8LocalPartIsAccepted() {
        try (RelayProcess relay = RelayProcess.start(InteropPaths.newWorkDir("python-utf8"),
                RelayProcess.Settings.defaults())) {
            JsonNode result = runClient(relay, "utf8");

            assertThat(result.path("smtputf8").asBoolean()).as(result.toPrettyString()).isTrue();
            assertThat(result.path("refused").size()).as(result.toPrettyString()).isZero();
            JsonNode entry = onlyQueuedEntry(relay);
            assertThat(recipientsOf(entry)).containsExactly("jörg.müller@example.test");
            QueuedMessage queued = QueuedMessage.find(relay.queueDir(), entry.path("queue_id").asText()).orElseThrow();
            assertThat(queued.body()).as(queued.describe())
                    .isEqualTo(result.path("body").asText().getBytes(StandardCharsets.UTF_8));
            assertThat(queued.fields("Subject")).containsExactly("Subject: Grüße");
        }
    }

    @Test
    void senderOutsideTheAppDomainRaisesSmtpSenderRefused553() {
        try (RelayProcess relay = RelayProcess.start(InteropPaths.newWorkDir("python-refused"),
                RelayProcess.Settings.defaults())) {
            JsonNode result = runClient(relay, "refused");

            assertThat(result.path("exception").asText()).as(result.toPrettyString()).isEqualTo("SMTPSenderRefused");
            assertThat(result.path("code").asInt()).isEqualTo(553);
            assertThat(result.path("text").asText()).startsWith("5.7.1").contains("app.example.test");
            assertThat(QueuedMessage.ids(relay.queueDir())).isEmpty();
        }
    }
}
