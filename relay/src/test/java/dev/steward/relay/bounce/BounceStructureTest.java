package dev.steward.relay.bounce;

import static dev.steward.relay.bounce.TestNotices.COMPOSER;
import static dev.steward.relay.bounce.TestNotices.returned;
import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.mail.model.Dsn;
import dev.steward.mail.model.EnhancedStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads produced notices back with {@link NoticeParser} and checks the RFC 3464 structure. */
class BounceStructureTest {

    @Test
    void bounce_parsesAsMultipartReport() {
        BounceOutcome.Send send = (BounceOutcome.Send) COMPOSER.bounce(
                returned(List.of(TestNotices.rejected(), TestNotices.noSuchDomain())));

        NoticeParser.Notice notice = NoticeParser.parse(send.message());

        assertThat(notice.header("From")).isEqualTo("MAILER-DAEMON@app.example.test (Mail Delivery System)");
        assertThat(notice.header("To")).isEqualTo("<app@app.example.test>");
        assertThat(notice.header("Subject")).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(notice.header("Auto-Submitted")).isEqualTo("auto-replied");
        assertThat(notice.header("MIME-Version")).isEqualTo("1.0");
        assertThat(notice.header("Date")).isEqualTo("Sat, 28 Nov 2026 12:30:00 +0100");
        assertThat(notice.header("Message-ID")).isEqualTo(send.messageId());
        assertThat(notice.header("Content-Type")).startsWith("multipart/report; report-type=delivery-status; boundary=");
        assertThat(notice.parts()).extracting(part -> part.header("Content-Type"))
                .containsExactly("text/plain; charset=utf-8", "message/delivery-status", "text/rfc822-headers");

        String text = notice.parts().get(0).body().replace("\r\n    ", " ");
        assertThat(text).contains("<bob@example.org>: host mx.example.org[203.0.113.5] said: 550 5.1.1")
                .contains("<dora@example.invalid> (expanded from <info@example.invalid>): Host or domain name not found.")
                .contains("Only its headers are attached below, not its body");

        List<Map<String, String>> blocks = NoticeParser.statusBlocks(notice.parts().get(1).body());
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(0)).containsEntry("reporting-mta", "dns; relay1.example.net")
                .containsEntry("arrival-date", "Sat, 28 Nov 2026 11:00:00 +0100")
                .containsEntry("x-steward-queue-id", "0C8Q2M4K9ABC");
        assertThat(blocks.get(1)).containsExactly(
                Map.entry("final-recipient", "rfc822; bob@example.org"),
                Map.entry("action", "failed"),
                Map.entry("status", "5.1.1"),
                Map.entry("remote-mta", "dns; mx.example.org"),
                Map.entry("diagnostic-code", "smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown"
                        + " in virtual mailbox table"),
                Map.entry("last-attempt-date", "Sat, 28 Nov 2026 12:29:58 +0100"));
        assertThat(blocks.get(2)).containsEntry("final-recipient", "rfc822; dora@example.invalid")
                .containsEntry("original-recipient", "rfc822; info@example.invalid")
                .containsEntry("status", "5.1.2")
                .doesNotContainKey("remote-mta")
                .doesNotContainKey("will-retry-until");

        assertThat(notice.parts().get(2).body()).isEqualTo(TestNotices.HEADERS);
    }

    @Test
    void delayWarning_willRetryUntilPerRecipient() {
        Instant expiry = Instant.parse("2026-12-03T10:00:00Z");
        BounceOutcome.Send send = (BounceOutcome.Send) COMPOSER.delayWarning(returned(List.of(TestNotices.refused())), expiry);

        NoticeParser.Notice notice = NoticeParser.parse(send.message());

        assertThat(notice.header("Subject")).isEqualTo("Delayed Mail (still being retried)");
        assertThat(notice.parts().get(0).body()).contains("WARNING ONLY").contains("until Thu, 3 Dec 2026 11:00:00 +0100");
        Map<String, String> recipient = NoticeParser.statusBlocks(notice.parts().get(1).body()).get(1);
        assertThat(recipient).containsEntry("action", "delayed").containsEntry("status", "4.4.1")
                .containsEntry("will-retry-until", "Thu, 3 Dec 2026 11:00:00 +0100")
                .containsEntry("diagnostic-code", "X-Steward; connect to mx.example.net[198.51.100.7]:25: Connection refused");
    }

    @Test
    void bounce_utf8_decodesBackToTheOriginalText() {
        RecipientReport utf8 = new RecipientReport("bjørn@bücher.example", null, new Dsn(EnhancedStatus.parse("5.1.1"),
                Dsn.Action.FAILED, "host said: 550 5.1.1 Användaren finns inte — ingen sådan brevlåda", null, null), null);
        String headers = "Subject: Rapport für Björn\r\nX-Long: " + "a".repeat(1500) + "\r\n";
        ReturnedMessage message = new ReturnedMessage("Q3", "app@app.example.test", TestNotices.ARRIVAL,
                TestNotices.message(headers), List.of(utf8));

        NoticeParser.Notice notice = NoticeParser.parse(((BounceOutcome.Send) COMPOSER.bounce(message)).message());

        assertThat(notice.parts().get(0).header("Content-Transfer-Encoding")).isEqualTo("quoted-printable");
        assertThat(notice.parts().get(0).body().replace("\r\n    ", " ")).contains("<bjørn@bücher.example>: host said: 550 5.1.1 Användaren finns"
                + " inte — ingen sådan brevlåda");
        assertThat(notice.parts().get(2).header("Content-Transfer-Encoding")).isEqualTo("quoted-printable");
        assertThat(notice.parts().get(2).header("Content-Type")).isEqualTo("text/rfc822-headers; charset=utf-8");
        assertThat(notice.parts().get(2).body()).isEqualTo(headers);
        Map<String, String> recipient = NoticeParser.statusBlocks(notice.parts().get(1).body()).get(1);
        assertThat(recipient).containsEntry("final-recipient", "utf-8; bj\\x{F8}rn@b\\x{FC}cher.example")
                .containsEntry("diagnostic-code", "X-Steward; host said: 550 5.1.1 Anv?ndaren finns inte ? ingen s?dan brevl?da");
    }
}
