package dev.steward.relay.bounce;

import static dev.steward.relay.bounce.TestNotices.COMPOSER;
import static dev.steward.relay.bounce.TestNotices.returned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.mail.model.Dsn;
import dev.steward.mail.model.EnhancedStatus;
import dev.steward.relay.testing.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BounceComposerTest {

    private static final Instant EXPIRY = Instant.parse("2026-12-03T10:00:00Z");

    private static BounceOutcome.Send send(BounceOutcome outcome) {
        assertThat(outcome).isInstanceOf(BounceOutcome.Send.class);
        return (BounceOutcome.Send) outcome;
    }

    @Test
    void bounce_twoRecipients_matchesGolden() throws IOException {
        BounceOutcome.Send notice = send(COMPOSER.bounce(returned(List.of(TestNotices.rejected(), TestNotices.noSuchDomain()))));

        Golden.assertMatches("bounce-undelivered.eml", notice.message());
        assertThat(notice.recipient()).isEqualTo("app@app.example.test");
        assertThat(notice.envelopeSender()).isEmpty();
        assertThat(notice.messageId()).isEqualTo("<0C8Q2M4K9ABC.bounce.mx0bw340@relay1.example.net>");
    }

    @Test
    void delayWarning_matchesGolden() throws IOException {
        BounceOutcome.Send notice = send(COMPOSER.delayWarning(returned(List.of(TestNotices.refused())), EXPIRY));

        Golden.assertMatches("bounce-delayed.eml", notice.message());
        assertThat(notice.messageId()).isEqualTo("<0C8Q2M4K9ABC.delay.mx0bw340@relay1.example.net>");
    }

    /** UTF-8 recipient, 8-bit original headers, a very long remote reply: quoted-printable and folding. */
    @Test
    void bounce_utf8AndLongReply_matchesGolden() throws IOException {
        String longText = "550 5.7.1 " + "policy ".repeat(40) + "x".repeat(1200);
        RecipientReport utf8 = new RecipientReport("bjørn@bücher.example", null, new Dsn(EnhancedStatus.parse("5.7.1"),
                Dsn.Action.FAILED, "host mx.bücher.example[192.0.2.7] said: " + longText + " (in reply to end of DATA command)",
                Dsn.Diagnostic.smtp(longText + " — déjà vu"), "mx.xn--bcher-kva.example"), null);
        String headers = TestNotices.HEADERS.replace("Subject: Daily report", "Subject: Rapport für Björn")
                .replace("To: bob@example.org, dora@example.invalid", "To: bjørn@bücher.example");
        ReturnedMessage message = new ReturnedMessage("0C8Q2M4K9ABC", "app@app.example.test", TestNotices.ARRIVAL,
                TestNotices.message(headers), List.of(utf8));

        byte[] bytes = send(COMPOSER.bounce(message)).message();

        Golden.assertMatches("bounce-utf8.eml", bytes);
        for (byte b : bytes) {
            assertThat(b).as("7-bit output").isBetween((byte) 1, (byte) 127);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                           | Content-Type: text/plain                                                   | the null sender
            MAILER-DAEMON@example.org    | Content-Type: text/plain                                                   | from MAILER-DAEMON
            mailer-daemon@app.example.test | Content-Type: text/plain                                                 | from MAILER-DAEMON
            app@app.example.test         | Content-Type: multipart/report; report-type=delivery-status; boundary=x   | itself a delivery status notification
            app@app.example.test         | Content-Type: MULTIPART/REPORT; report-type="delivery-status"             | itself a delivery status notification
            app@app.example.test         | Content-Type: multipart/report;\\r\\n\\treport-type=delivery-status       | itself a delivery status notification
            app@app.example.test         | Content-Type: multipart/report; report-type=global-delivery-status        | itself a delivery status notification
            """)
    void bounceAndDelay_noticeAboutANotice_dropped(String sender, String contentType, String reason) {
        String headers = "From: x@example.org\r\n" + contentType.replace("\\r\\n", "\r\n").replace("\\t", "\t") + "\r\n";
        ReturnedMessage message = new ReturnedMessage("0C8Q2M4K9ABC", sender, TestNotices.ARRIVAL,
                TestNotices.message(headers), List.of(TestNotices.rejected()));
        ReturnedMessage delayed = new ReturnedMessage("0C8Q2M4K9ABC", sender, TestNotices.ARRIVAL,
                TestNotices.message(headers), List.of(TestNotices.refused()));

        assertThat(COMPOSER.bounce(message)).isInstanceOfSatisfying(BounceOutcome.Drop.class,
                drop -> assertThat(drop.reason()).contains(reason));
        assertThat(COMPOSER.delayWarning(delayed, EXPIRY)).isInstanceOf(BounceOutcome.Drop.class);
    }

    @Test
    void bounce_senderWithLineBreak_droppedNotInjected() {
        ReturnedMessage message = new ReturnedMessage("Q5", "evil@example.test\r\nBcc: victim@example.org",
                TestNotices.ARRIVAL, TestNotices.message(TestNotices.HEADERS), List.of(TestNotices.rejected()));

        assertThat(COMPOSER.bounce(message)).isInstanceOfSatisfying(BounceOutcome.Drop.class,
                drop -> assertThat(drop.reason()).contains("not a valid address"));
    }

    @Test
    void bounce_otherReports_stillBounced() {
        // A disposition notification (RFC 8098) or an auto-submitted message is no DSN: RFC 3834
        // leaves DSNs to RFC 3464, which sends them regardless of Auto-Submitted.
        String headers = "Auto-Submitted: auto-generated\r\nContent-Type: multipart/report; report-type=disposition-notification\r\n";
        ReturnedMessage message = new ReturnedMessage("Q1", "app@app.example.test", TestNotices.ARRIVAL,
                TestNotices.message(headers), List.of(TestNotices.rejected()));

        assertThat(COMPOSER.bounce(message)).isInstanceOf(BounceOutcome.Send.class);
    }

    @Test
    void bounce_wrongActions_refused() {
        assertThatThrownBy(() -> COMPOSER.bounce(returned(List.of(TestNotices.refused()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("recipient carl@example.net has action delayed, this notice reports failed");
        assertThatThrownBy(() -> COMPOSER.delayWarning(returned(List.of(TestNotices.rejected())), EXPIRY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> returned(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bounce_expiredRecipient_class4StatusWithActionFailed() {
        RecipientReport expired = new RecipientReport("carl@example.net", null,
                TestNotices.refused().dsn().withAction(Dsn.Action.FAILED), TestNotices.refused().lastAttempt());

        NoticeParser.Notice notice = NoticeParser.parse(send(COMPOSER.bounce(returned(List.of(expired)))).message());

        assertThat(NoticeParser.statusBlocks(notice.parts().get(1).body()).get(1)).containsExactly(
                java.util.Map.entry("final-recipient", "rfc822; carl@example.net"),
                java.util.Map.entry("action", "failed"),
                java.util.Map.entry("status", "4.4.1"),
                java.util.Map.entry("remote-mta", "dns; mx.example.net"),
                java.util.Map.entry("diagnostic-code", "X-Steward; connect to mx.example.net[198.51.100.7]:25: Connection refused"),
                java.util.Map.entry("last-attempt-date", "Sat, 28 Nov 2026 12:25:00 +0100"));
    }

    @Test
    void bounce_bodyNeverReturned_headersAre() {
        String text = new String(send(COMPOSER.bounce(returned(List.of(TestNotices.rejected())))).message(), StandardCharsets.UTF_8);

        assertThat(text).doesNotContain("must not be returned").contains("Subject: Daily report\r\n");
    }

    @Test
    void bounce_boundaryInOriginalHeaders_chosenAnew() {
        String hostile = "X-Trap: --0C8Q2M4K9ABC.1795865400/relay1.example.net\r\n";
        ReturnedMessage message = new ReturnedMessage("0C8Q2M4K9ABC", "app@app.example.test", TestNotices.ARRIVAL,
                TestNotices.message(hostile), List.of(TestNotices.rejected()));

        String text = new String(send(COMPOSER.bounce(message)).message(), StandardCharsets.US_ASCII);

        assertThat(text).contains("boundary=\"0C8Q2M4K9ABC.1795865400/relay1.example.net=1\"");
        assertThat(NoticeParser.parse(text.getBytes(StandardCharsets.US_ASCII)).parts()).hasSize(3);
    }

    @Test
    void bounce_headerOnlyContentWithoutFinalCrLf_stillWellFormed() {
        ReturnedMessage message = new ReturnedMessage("Q2", "app@app.example.test", TestNotices.ARRIVAL,
                "Subject: cut short".getBytes(StandardCharsets.US_ASCII), List.of(TestNotices.rejected()));

        NoticeParser.Notice notice = NoticeParser.parse(send(COMPOSER.bounce(message)).message());

        assertThat(notice.parts().get(2).body()).isEqualTo("Subject: cut short\r\n");
    }
}
