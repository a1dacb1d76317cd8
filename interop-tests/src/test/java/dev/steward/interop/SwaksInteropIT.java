package dev.steward.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * swaks against the relay's intake: acceptance into the queue with exact bytes, the app-domain
 * sender rule (envelope and header From), the size and recipient limits, and dot-stuffing.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SwaksInteropIT {
    private static final String SENDER = "app@app.example.test";
    private static final String APP_DOMAIN = "app.example.test";

    static String message(String headerFrom, String subject, String body) {
        return "From: " + headerFrom + "\r\n"
                + "To: bob@example.test\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <" + subject.replace(' ', '-') + "@app.example.test>\r\n"
                + "\r\n"
                + body;
    }

    @Test
    void plainSubmissionIsQueuedWithTheExactBodyAndOurReceivedHeader() {
        Path work = InteropPaths.newWorkDir("swaks-plain");
        String body = "Hello from swaks.\r\nSecond line, with trailing spaces   \r\n\r\nAfter an empty line.\r\n";
        try (RelayProcess relay = RelayProcess.start(work, RelayProcess.Settings.defaults())) {
            SwaksRun.Outcome outcome = SwaksRun.send(work, "swaks", relay.port(), SENDER,
                    List.of("bob@example.test"), message(SENDER, "plain submission", body));

            assertThat(outcome.result().exitCode()).as(outcome.transcript()).isZero();
            assertThat(outcome.replies()).as(outcome.transcript())
                    .anyMatch(r -> r.code() == 250 && r.text().startsWith("2.0.0") && r.text().contains("queued as"));
            String id = outcome.queueId().orElseThrow(() -> new AssertionError("no queue id\n" + outcome.transcript()));
            // 250 is sent after the fsync, so the file must already be there: no waiting.
            QueuedMessage queued = QueuedMessage.find(relay.queueDir(), id).orElseThrow(() -> new AssertionError(
                    "no incoming/" + id + ".msg after 250; queue has " + QueuedMessage.ids(relay.queueDir())
                            + "\n" + relay.output()));

            assertThat(queued.bodyText()).as(queued.describe()).isEqualTo(body);
            assertThat(queued.fields("Received")).as(queued.describe())
                    .anyMatch(f -> f.contains("by relay.example.test"));
            assertThat(queued.fields("Subject")).containsExactly("Subject: plain submission");
            assertThat(queued.fields("From")).containsExactly("From: " + SENDER);
        }
    }

    @Test
    void envelopeSenderOutsideTheAppDomainIsRefusedWith553NamingTheDomain() {
        Path work = InteropPaths.newWorkDir("swaks-envelope-sender");
        try (RelayProcess relay = RelayProcess.start(work, RelayProcess.Settings.defaults())) {
            SwaksRun.Outcome outcome = SwaksRun.send(work, "swaks", relay.port(), "app@other.example",
                    List.of("bob@example.test"), message("app@other.example", "wrong envelope sender", "x\r\n"));

            assertThat(outcome.result().exitCode()).as(outcome.transcript()).isEqualTo(23); // error in MAIL
            SwaksRun.Reply refusal = outcome.firstWithCode(553)
                    .orElseThrow(() -> new AssertionError("no 553 reply\n" + outcome.transcript()));
            assertThat(refusal.text()).as(outcome.transcript()).startsWith("5.7.1").contains(APP_DOMAIN);
            assertThat(QueuedMessage.ids(relay.queueDir())).isEmpty();
        }
    }

    @Test
    void headerFromOutsideTheAppDomainIsRefusedWith550() {
        Path work = InteropPaths.newWorkDir("swaks-header-from");
        try (RelayProcess relay = RelayProcess.start(work, RelayProcess.Settings.defaults())) {
            SwaksRun.Outcome outcome = SwaksRun.send(work, "swaks", relay.port(), SENDER,
                    List.of("bob@example.test"), message("Mallory <ceo@other.example>", "wrong header from", "x\r\n"));

            assertThat(outcome.result().exitCode()).as(outcome.transcript()).isEqualTo(26); // refused after DATA
            SwaksRun.Reply refusal = outcome.firstWithCode(550)
                    .orElseThrow(() -> new AssertionError("no 550 reply\n" + outcome.transcript()));
            // MAIL-2: the error names the allowed domain for the header From too.
            assertThat(refusal.text()).as(outcome.transcript()).startsWith("5.7.1").contains(APP_DOMAIN);
            assertThat(QueuedMessage.ids(relay.queueDir())).isEmpty();
        }
    }

    @Test
    void oversizeMessageIsRefusedWith552() {
        Path work = InteropPaths.newWorkDir("swaks-oversize");
        StringBuilder body = new StringBuilder();
        String line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n"; // 74 octets
        while (body.length() < 64 * 1024) {
            body.append(line);
        }
        try (RelayProcess relay = RelayProcess.start(work,
                RelayProcess.Settings.defaults().withMaxMessageSize("16KiB"))) {
            SwaksRun.Outcome outcome = SwaksRun.send(work, "swaks", relay.port(), SENDER,
                    List.of("bob@example.test"), message(SENDER, "oversize", body.toString()));

            assertThat(outcome.result().exitCode()).as(outcome.transcript()).isNotZero();
            SwaksRun.Reply refusal = outcome.firstWithCode(552)
                    .orElseThrow(() -> new AssertionError("no 552 reply\n" + outcome.transcript()));
            assertThat(refusal.text()).as(outcome.transcript()).startsWith("5.3.4");
            assertThat(QueuedMessage.ids(relay.queueDir())).isEmpty();
        }
    }

    @Test
    void recipientsBeyondTheLimitGet452AndTheRestIsQueued() {
        Path work = InteropPaths.newWorkDir("swaks-recipients");
        List<String> recipients = List.of("r1@example.test", "r2@example.test", "r3@example.test", "r4@example.test");
        try (RelayProcess relay = RelayProcess.start(work, RelayProcess.Settings.defaults().withMaxRecipients(3))) {
            SwaksRun.Outcome outcome = SwaksRun.send(work, "swaks", relay.port(), SENDER, recipients,
                    message(SENDER, "too many recipients", "x\r\n"));

            SwaksRun.Reply limit = outcome.firstWithCode(452)
                    .orElseThrow(() -> new AssertionError("no 452 reply\n" + outcome.transcript()));
            assertThat(limit.text()).as(outcome.transcript()).startsWith("4.5.3");
            // RFC 5321 §4.5.3.1.10: the client goes on with the recipients that were accepted.
            assertThat(outcome.queueId()).as(outcome.transcript()).isPresent();
            assertThat(outcome.replies().stream().filter(r -> r.code() == 452).count()).isEqualTo(1);
        }
    }

    @Test
    void bodyLinesStartingWithDotsRoundTripExactly() {
        Path work = InteropPaths.newWorkDir("swaks-dots");
        String body = "first line\r\n.leading dot\r\n..two leading dots\r\n.\r\n. space after dot\r\nlast line\r\n";
        try (RelayProcess relay = RelayProcess.start(work, RelayProcess.Settings.defaults())) {
            SwaksRun.Outcome outcome = SwaksRun.send(work, "swaks", relay.port(), SENDER,
                    List.of("bob@example.test"), message(SENDER, "dot stuffing", body));

            assertThat(outcome.result().exitCode()).as(outcome.transcript()).isZero();
            String id = outcome.queueId().orElseThrow(() -> new AssertionError("no queue id\n" + outcome.transcript()));
            QueuedMessage queued = QueuedMessage.find(relay.queueDir(), id)
                    .orElseThrow(() -> new AssertionError("no incoming/" + id + ".msg\n" + relay.output()));
            assertThat(queued.body()).as(queued.describe()).isEqualTo(body.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
