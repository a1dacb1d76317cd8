package dev.steward.control.web.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.core.version.ChangeClass;
import dev.steward.smtp.wire.SmtpReply;
import dev.steward.testkit.ReceivedMessage;
import dev.steward.testkit.RecordingSmtpServer;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The notice over real SMTP ({@link RecordingSmtpServer} on loopback), taken apart again: headers,
 * the text in the customer's language and zone, the calendar attachment.
 */
@Timeout(60)
class SmtpMaintenanceNoticeSenderTest {

    static final String DOMAIN = "hosting.example";
    static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T10:15:00Z"), ZoneOffset.UTC);
    /** Monday 7 December 2026, 07:00–09:00 Brussels (winter time: 06:00–08:00Z). */
    static final WindowOccurrence DEC_7 = new WindowOccurrence(WindowKind.APP,
            Instant.parse("2026-12-07T06:00:00Z").atZone(BRUSSELS), Instant.parse("2026-12-07T08:00:00Z").atZone(BRUSSELS));

    static MaintenanceNotice notice(Customer customer, boolean security, List<String> cves) {
        return new MaintenanceNotice(42, customer, "Nextcloud", "27.1.4", "28.0.0", ChangeClass.MAJOR, security, cves,
                DEC_7, "Nieuwe bestandsweergave; sneller zoeken.\nPHP 8.0 wordt niet meer ondersteund.",
                "Controleer of je apps compatibel zijn met versie 28.", "Meld je opnieuw aan in de desktop-app.",
                List.of("cloud.klant.example", "files.klant.example"));
    }

    static Customer dutch() {
        return new Customer(7, "Klant BV", List.of("it@klant.example", "boss@klant.example"), Language.NL, BRUSSELS);
    }

    @Test
    void aDutchNotice_isOneMessageToEveryContact_withTheWindowInBrusselsTime_andTheIcs() throws Exception {
        try (RecordingSmtpServer smtp = RecordingSmtpServer.builder().eightBitMime(false).start()) {
            var sender = new SmtpMaintenanceNoticeSender(SmtpSubmission.to(smtp.host(), smtp.port(), DOMAIN),
                    "steward@" + DOMAIN, DOMAIN, CLOCK);

            MaintenanceNoticeSender.Sent sent = sender.send(notice(dutch(), false, List.of()));

            ReceivedMessage received = smtp.awaitMessages(1, Duration.ofSeconds(10)).getFirst();
            assertThat(received.sender()).isEqualTo("steward@" + DOMAIN);
            assertThat(received.recipients()).containsExactly("it@klant.example", "boss@klant.example");
            assertThat(sent.recipients()).containsExactly("it@klant.example", "boss@klant.example");
            ParsedNotice notice = ParsedNotice.of(received.content());
            assertThat(notice.headers().get("from")).isEqualTo("Steward <steward@" + DOMAIN + ">");
            assertThat(notice.headers().get("to")).isEqualTo("it@klant.example, boss@klant.example");
            assertThat(notice.headers().get("date")).isEqualTo("Mon, 30 Nov 2026 10:15:00 GMT");
            assertThat(notice.headers().get("message-id")).isEqualTo("<" + sent.messageId() + ">");
            assertThat(sent.messageId()).endsWith("@" + DOMAIN);
            assertThat(notice.headers().get("mime-version")).isEqualTo("1.0");
            assertThat(notice.subject()).isEqualTo(sent.subject())
                    .isEqualTo("Gepland onderhoud: update van Nextcloud naar versie 28.0.0 op maandag 7 december 2026");
            assertThat(notice.textHeaders().get("content-type")).isEqualTo("text/plain; charset=UTF-8");
            assertThat(notice.text()).contains(
                    "Wat:       update van Nextcloud van versie 27.1.4 naar versie 28.0.0\r\n",
                    "Wanneer:   maandag 7 december 2026, 07:00\u201309:00 (Europe/Brussels)\r\n",
                    "Servers:   cloud.klant.example, files.klant.example\r\n",
                    "Soort:     major update (grote wijzigingen, mogelijk niet compatibel met de\r\n"
                            + "           vorige versie; mogelijk zijn configuratiewijzigingen nodig)\r\n",
                    "Tijdens de update is je applicatie niet bereikbaar.",
                    "Wat verandert er?\r\n-----------------\r\nNieuwe bestandsweergave; sneller zoeken.\r\nPHP 8.0",
                    "Wat moet je vooraf doen?\r\n------------------------\r\nControleer of je apps compatibel zijn",
                    "Wat moet je na de update doen?\r\n------------------------------\r\nMeld je opnieuw aan",
                    "Met vriendelijke groeten,\r\n" + DOMAIN);
            assertThat(notice.text()).doesNotContain("CVE", "Dear", "Hello");
            // Our own text is wrapped for reading in a plain-text mail client.
            assertThat(notice.text().split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(76));
            assertThat(notice.icsHeaders().get("content-type"))
                    .isEqualTo("text/calendar; method=PUBLISH; charset=UTF-8; name=\"maintenance.ics\"");
            assertThat(notice.icsHeaders().get("content-disposition")).isEqualTo("attachment; filename=\"maintenance.ics\"");
            String ics = notice.ics().replace("\r\n ", "");
            assertThat(ics).contains("\r\nMETHOD:PUBLISH\r\n", "\r\nUID:release-42-customer-7@hosting.example\r\n",
                    "\r\nDTSTAMP:20261130T101500Z\r\n", "\r\nDTSTART:20261207T060000Z\r\n",
                    "\r\nDTEND:20261207T080000Z\r\n", "\r\nSUMMARY:Update Nextcloud naar 28.0.0\r\n",
                    "\r\nDESCRIPTION:Update van Nextcloud van versie 27.1.4 naar versie 28.0.0\\nServers: "
                            + "cloud.klant.example\\, files.klant.example\\n\\nNieuwe bestandsweergave\\; sneller zoeken.");
        }
    }

    @Test
    void anEnglishSecurityNotice_inTheCustomersOwnZone_namesTheCves_andEncodesANonAsciiSubject() throws Exception {
        try (RecordingSmtpServer smtp = RecordingSmtpServer.startPlain()) {
            var sender = new SmtpMaintenanceNoticeSender(SmtpSubmission.to(smtp.host(), smtp.port(), DOMAIN),
                    "steward@" + DOMAIN, DOMAIN, CLOCK);
            Customer customer = new Customer(8, "Acme", List.of("ops@acme.example"), Language.EN,
                    ZoneId.of("America/New_York"));
            MaintenanceNotice base = notice(customer, true, List.of("CVE-2026-1234", "CVE-2026-5678"));
            MaintenanceNotice notice = new MaintenanceNotice(base.releaseId(), customer, "Café Suite", null,
                    base.targetVersion(), ChangeClass.MINOR, true, base.cveIds(), base.window(), "", "", "",
                    List.of("cafe.acme.example"));

            MaintenanceNoticeSender.Sent sent = sender.send(notice);

            ParsedNotice parsed = ParsedNotice.of(smtp.awaitMessages(1, Duration.ofSeconds(10)).getFirst().content());
            assertThat(parsed.headers().get("subject")).startsWith("=?UTF-8?B?");
            assertThat(parsed.subject()).isEqualTo(sent.subject())
                    .isEqualTo("Urgent security update: Café Suite to version 28.0.0 on Monday 7 December 2026");
            assertThat(parsed.text()).contains("A vulnerability was found in Café Suite.",
                    "What:      update of Café Suite to version 28.0.0\r\n",
                    "Kind:      urgent security update\r\n           minor update (new or changed features,",
                    "When:      Monday 7 December 2026, 01:00\u201303:00 (America/New_York)\r\n",
                    "Server:    cafe.acme.example\r\n", "CVE:       CVE-2026-1234, CVE-2026-5678\r\n",
                    "What changes?\r\n-------------\r\nThe developer lists no changes.",
                    "Nothing needs to be done beforehand.", "Kind regards,");
            assertThat(parsed.ics().replace("\r\n ", "")).contains("\r\nSUMMARY:Security update of Café Suite to 28.0.0\r\n",
                    "\r\nUID:release-42-customer-8@hosting.example\r\n", "CVE: CVE-2026-1234\\, CVE-2026-5678");
        }
    }

    @Test
    void aWindowOverMidnightInTheCustomersZone_showsBothDates() {
        Customer tokyo = new Customer(9, "Tokyo KK", List.of("it@tokyo.example"), Language.NL, ZoneId.of("Asia/Tokyo"));
        // 06:00–08:00Z is 15:00–17:00 in Tokyo: same day. An emergency slot 14:00–16:00Z crosses midnight there.
        WindowOccurrence late = new WindowOccurrence(WindowKind.EMERGENCY, Instant.parse("2026-12-07T14:00:00Z")
                .atZone(BRUSSELS), Instant.parse("2026-12-07T16:00:00Z").atZone(BRUSSELS));
        assertThat(MaintenanceTexts.window(late.start(), late.end(), tokyo.timeZone(), Language.NL))
                .isEqualTo("maandag 7 december 2026, 23:00 \u2013 dinsdag 8 december 2026, 01:00 (Asia/Tokyo)");
        assertThat(MaintenanceTexts.window(DEC_7.start(), DEC_7.end(), tokyo.timeZone(), Language.EN))
                .isEqualTo("Monday 7 December 2026, 15:00\u201317:00 (Asia/Tokyo)");
    }

    @Test
    void aRefusedContact_failsTheNotice_withTheRelaysReply_evenThoughTheOthersGotIt() throws Exception {
        try (RecordingSmtpServer smtp = RecordingSmtpServer.builder()
                .replyToRecipient("boss@klant.example", SmtpReply.of(550, "5.1.1", "no such user")).start()) {
            var sender = new SmtpMaintenanceNoticeSender(SmtpSubmission.to(smtp.host(), smtp.port(), DOMAIN),
                    "steward@" + DOMAIN, DOMAIN, CLOCK);
            assertThatThrownBy(() -> sender.send(notice(dutch(), false, List.of())))
                    .isInstanceOf(NoticeNotSentException.class)
                    .hasMessageContaining("RCPT TO <boss@klant.example>").hasMessageContaining("550 5.1.1 no such user");
            // One transaction (pipelined): the relay delivers to the contacts it accepted, and the
            // notice is still reported as not sent, since it did not reach every contact.
            assertThat(smtp.messages()).singleElement().extracting(ReceivedMessage::recipients)
                    .isEqualTo(List.of("it@klant.example"));
        }
    }

    @Test
    void aRelayThatIsDown_orNone_failsTheNotice_withTheReason() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var down = new SmtpMaintenanceNoticeSender(SmtpSubmission.to("127.0.0.1", closed, DOMAIN), "steward@" + DOMAIN,
                DOMAIN, CLOCK);
        assertThatThrownBy(() -> down.send(notice(dutch(), false, List.of()))).isInstanceOf(NoticeNotSentException.class)
                .hasMessageContaining("failed at connect");
        var none = new SmtpMaintenanceNoticeSender(null, "steward@" + DOMAIN, DOMAIN, CLOCK);
        assertThatThrownBy(() -> none.send(notice(dutch(), false, List.of()))).isInstanceOf(NoticeNotSentException.class)
                .hasMessageContaining("no SMTP relay configured");
    }
}
