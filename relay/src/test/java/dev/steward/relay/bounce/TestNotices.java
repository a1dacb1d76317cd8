package dev.steward.relay.bounce;

import dev.steward.mail.model.DomainName;
import dev.steward.mail.model.Dsn;
import dev.steward.mail.model.EnhancedStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/** Sample messages and notices shared by the bounce tests: fixed clock, fixed ids. */
final class TestNotices {

    static final Instant NOW = Instant.parse("2026-11-28T11:30:00Z");
    static final Instant ARRIVAL = Instant.parse("2026-11-28T10:00:00Z");
    static final BounceComposer COMPOSER = new BounceComposer("relay1.example.net", DomainName.parse("app.example.test"),
            Clock.fixed(NOW, ZoneId.of("Europe/Brussels")));

    static final String HEADERS = """
            Received: from web1 ([127.0.0.1])\r
            \tby relay1.example.net (Steward) with ESMTP id 0C8Q2M4K9ABC; Sat, 28 Nov 2026 11:00:00 +0100\r
            Message-ID: <20261128100000.abc@app.example.test>\r
            Date: Sat, 28 Nov 2026 11:00:00 +0100\r
            From: "Controller" <app@app.example.test>\r
            To: bob@example.org, dora@example.invalid\r
            Subject: Daily report\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            """;

    static final String BODY = "Body text that must not be returned.\r\n";

    private TestNotices() {
    }

    static byte[] message(String headers) {
        return (headers + "\r\n" + BODY).getBytes(StandardCharsets.UTF_8);
    }

    static RecipientReport rejected() {
        return new RecipientReport("bob@example.org", null, new Dsn(EnhancedStatus.parse("5.1.1"), Dsn.Action.FAILED,
                "host mx.example.org[203.0.113.5] said: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown"
                        + " in virtual mailbox table (in reply to RCPT TO command)",
                Dsn.Diagnostic.smtp("550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table"),
                "mx.example.org"), Instant.parse("2026-11-28T11:29:58Z"));
    }

    static RecipientReport noSuchDomain() {
        return new RecipientReport("dora@example.invalid", "info@example.invalid", Dsn.failed(EnhancedStatus.parse("5.1.2"),
                "Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found"),
                Instant.parse("2026-11-28T11:29:59Z"));
    }

    static RecipientReport refused() {
        return new RecipientReport("carl@example.net", null, Dsn.delayed(EnhancedStatus.parse("4.4.1"),
                "connect to mx.example.net[198.51.100.7]:25: Connection refused").withRemote(null, "mx.example.net"),
                Instant.parse("2026-11-28T11:25:00Z"));
    }

    static ReturnedMessage returned(List<RecipientReport> recipients) {
        return new ReturnedMessage("0C8Q2M4K9ABC", "app@app.example.test", ARRIVAL, message(HEADERS), recipients);
    }
}
