package dev.steward.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.steward.mail.model.Dsn;
import dev.steward.mail.model.EnhancedStatus;
import dev.steward.relay.testing.Golden;
import dev.steward.smtp.wire.SmtpReply;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

class DeliveryLogTest {

    private static final RemoteHost MX = new RemoteHost("mx1.example.org", "203.0.113.5", 25);
    private static final RemoteHost MX6 = new RemoteHost("mx2.example.org", "2001:db8::25", 25);
    private static final Delays DELAYS = new Delays(Duration.ofMillis(20), Duration.ofMillis(110),
            Duration.ofMillis(1300), Duration.ofMillis(6940));
    private static final TlsSummary TLS13 = new TlsSummary.Encrypted("TLSv1.3", "TLS_AES_128_GCM_SHA256", false);

    /** One line per kind of outcome; the golden file pins names, order, quoting and number formats. */
    static List<LoggedAttempt> samples() {
        AttemptResult sent = AttemptResult.delivered(SmtpReply.of(250, "2.0.0", "Ok: queued as 4QmLx2"), MX, false);
        AttemptResult rejected = new AttemptResult.PermFailed(new Dsn(EnhancedStatus.parse("5.1.1"), Dsn.Action.FAILED,
                "host mx2.example.org[2001:db8::25] said: 550-5.1.1 no such user 550 5.1.1 see https://example.org/?a=1 (in reply to RCPT TO command)",
                Dsn.Diagnostic.smtp("550-5.1.1 no such user 550 5.1.1 see https://example.org/?a=1"), "mx2.example.org"),
                MX6, FailureKind.REMOTE_REPLY);
        AttemptResult refused = new AttemptResult.TempFailed(Dsn.delayed(EnhancedStatus.parse("4.4.1"),
                "connect to mx1.example.org[203.0.113.5]:25: Connection refused"), MX, FailureKind.CONNECT, true);
        AttemptResult noDomain = new AttemptResult.PermFailed(Dsn.failed(EnhancedStatus.parse("5.1.2"),
                "Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found"),
                null, FailureKind.DNS);
        AttemptResult hostile = new AttemptResult.TempFailed(new Dsn(EnhancedStatus.parse("4.0.0"), Dsn.Action.DELAYED,
                "host said: 450 x", Dsn.Diagnostic.smtp("450 \"quoted\" \\ back status=sent\u2028 next"), "mx1.example.org"),
                MX, FailureKind.REMOTE_REPLY, false);
        return List.of(
                new LoggedAttempt("0C8Q2M4K9ABC", "bob@example.org", null, sent, false, 2, Duration.ofMillis(8_430),
                        DELAYS, TLS13, DeliveryStatus.SENT),
                new LoggedAttempt("0C8Q2M4K9ABC", "carl@example.org", "Carl@Example.org", sent, true, 2, Duration.ofMillis(8_430),
                        DELAYS, new TlsSummary.Encrypted("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", true), DeliveryStatus.SENT),
                new LoggedAttempt("0C8Q2M4K9ABD", "dora@example.net", "info@example.net", rejected, false, 1, Duration.ofMillis(950),
                        new Delays(Duration.ZERO, Duration.ofMillis(4), Duration.ofMillis(230), Duration.ofMillis(716)),
                        TlsSummary.FALLBACK, DeliveryStatus.BOUNCED),
                new LoggedAttempt("0C8Q2M4K9ABE", "erin@example.org", null, refused, false, 7, Duration.ofSeconds(23_456, 600_000_000),
                        new Delays(Duration.ofMillis(10), Duration.ofSeconds(23_400), Duration.ofSeconds(56), Duration.ZERO),
                        TlsSummary.NONE, DeliveryStatus.DEFERRED),
                new LoggedAttempt("0C8Q2M4K9ABE", "erin@example.org", null, refused, false, 40, Duration.ofDays(5).plusSeconds(3),
                        Delays.NONE, TlsSummary.NONE, DeliveryStatus.EXPIRED),
                new LoggedAttempt("0C8Q2M4K9ABF", "x@example.invalid", null, noDomain, false, 1, Duration.ofMillis(3),
                        new Delays(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO),
                        TlsSummary.NONE, DeliveryStatus.BOUNCED),
                new LoggedAttempt("0C8Q2M4K9AC0", "evil> status=sent x=<\"@example.org", null, hostile, false, 1,
                        Duration.ofMillis(-5), Delays.NONE, TlsSummary.NONE, DeliveryStatus.DEFERRED));
    }

    @Test
    void format_samples_matchGolden() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (LoggedAttempt attempt : samples()) {
            lines.append(DeliveryLog.format(attempt)).append('\n');
        }
        Golden.assertMatches("delivery-log.txt", lines.toString());
    }

    @Test
    void format_sent_exactStyleGuideExample() {
        assertThat(DeliveryLog.format(samples().get(0))).isEqualTo("delivery queue_id=0C8Q2M4K9ABC to=<bob@example.org>"
                + " relay=mx1.example.org[203.0.113.5]:25 conn_reused=false attempt=2 delay=8.4 delays=0.02/0.11/1.3/6.9"
                + " tls=TLSv1.3:TLS_AES_128_GCM_SHA256:unverified dsn=2.0.0 status=sent reply=\"250 2.0.0 Ok: queued as 4QmLx2\"");
    }

    @Test
    void format_hostileValues_stayInsideTheirFields() {
        String line = DeliveryLog.format(samples().get(6));

        assertThat(line).doesNotContain("\n", "\u2028");
        assertThat(keys(line)).containsExactly("queue_id", "to", "relay", "conn_reused", "attempt", "delay", "delays", "tls",
                "dsn", "status", "failure", "reply");
    }

    @Test
    void format_everySample_fixedFieldOrder() {
        List<String> order = List.of("queue_id", "to", "orig_to", "relay", "conn_reused", "attempt", "delay", "delays", "tls",
                "dsn", "status", "failure", "reply", "reason");
        for (LoggedAttempt attempt : samples()) {
            List<String> keys = keys(DeliveryLog.format(attempt));
            assertThat(keys).isSubsetOf(order).doesNotHaveDuplicates();
            assertThat(keys).isSortedAccordingTo(java.util.Comparator.comparingInt(order::indexOf));
            assertThat(keys).containsAnyOf("reply", "reason");
        }
    }

    /** The keys of a logfmt line, read the way a log shipper would: quoted values and {@code <...>} skipped whole. */
    private static List<String> keys(String line) {
        assertThat(line).startsWith("delivery ");
        List<String> keys = new java.util.ArrayList<>();
        int i = "delivery ".length();
        while (i < line.length()) {
            int equals = line.indexOf('=', i);
            keys.add(line.substring(i, equals));
            i = equals + 1;
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (line.charAt(i) != '"') {
                    i += line.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else if (i < line.length() && line.charAt(i) == '<') {
                i = line.indexOf('>', i) + 1;
            } else {
                while (i < line.length() && line.charAt(i) != ' ') {
                    i++;
                }
            }
            assertThat(i == line.length() || line.charAt(i) == ' ').as("field ends at a space: %s", line).isTrue();
            i++;
        }
        return keys;
    }

    @Test
    void format_originalRecipientSameButCase_omitted() {
        assertThat(DeliveryLog.format(samples().get(1))).doesNotContain("orig_to");
        assertThat(DeliveryLog.format(samples().get(2))).contains(" orig_to=<info@example.net> relay=");
    }

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({"0, 0", "4, 0", "5, 0.01", "20, 0.02", "114, 0.11", "115, 0.12", "999, 1", "1000, 1", "1300, 1.3",
            "1349, 1.3", "1350, 1.4", "8430, 8.4", "9949, 9.9", "9950, 10", "9999, 10", "10000, 10", "10499, 10",
            "10500, 11", "86400000, 86400", "-7, 0"})
    void seconds_postfixFormatTv(long millis, String expected) {
        assertThat(DeliveryLog.seconds(Duration.ofMillis(millis))).isEqualTo(expected);
    }

    @Test
    void constructor_statusMustFitResult() {
        AttemptResult sent = samples().get(0).result();
        assertThatThrownBy(() -> new LoggedAttempt("Q", "a@b.example", null, sent, false, 1, Duration.ZERO, Delays.NONE,
                TlsSummary.NONE, DeliveryStatus.DEFERRED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("status deferred does not fit Delivered");
        assertThat(LoggedAttempt.statusOf(sent)).isEqualTo(DeliveryStatus.SENT);
    }

    @Test
    void attempt_logsOneInfoLine() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(DeliveryLog.class);
        logs.start();
        logger.addAppender(logs);
        try {
            DeliveryLog.attempt(samples().get(0));
        } finally {
            logger.detachAppender(logs);
        }
        assertThat(logs.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.INFO);
            assertThat(event.getFormattedMessage()).isEqualTo(DeliveryLog.format(samples().get(0)));
        });
    }

    @Test
    void delivered_fromReply_statusAndDiagnostic() {
        AttemptResult.Delivered relayed = AttemptResult.delivered(SmtpReply.of(250, null, "queued"), MX, true);

        assertThat(relayed.dsn().status()).isEqualTo(EnhancedStatus.SUCCESS);
        assertThat(relayed.dsn().action()).isEqualTo(Dsn.Action.RELAYED);
        assertThat(relayed.dsn().diagnostic()).hasToString("smtp; 250 queued");
        assertThat(relayed.dsn().remoteMta()).isEqualTo("mx1.example.org");
        assertThatThrownBy(() -> AttemptResult.delivered(SmtpReply.of(451, null, "no"), MX, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void results_refuseDsnsThatDoNotFit() {
        Dsn delayed = Dsn.delayed(EnhancedStatus.parse("4.4.1"), "x");
        Dsn failed = Dsn.failed(EnhancedStatus.parse("5.1.1"), "x");
        assertThatThrownBy(() -> new AttemptResult.PermFailed(delayed, null, FailureKind.DNS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AttemptResult.PermFailed(delayed.withAction(Dsn.Action.FAILED), null, FailureKind.DNS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AttemptResult.TempFailed(failed, null, FailureKind.DNS, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AttemptResult.Delivered(failed, MX)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void remoteHost_formsAndValidation() throws Exception {
        assertThat(MX6).hasToString("mx2.example.org[2001:db8::25]:25");
        assertThat(RemoteHost.of("mx", java.net.InetAddress.getByName("fe80::1%1"), 587)).hasToString("mx[fe80::1]:587");
        assertThatThrownBy(() -> new RemoteHost("mx", "203.0.113.5 x", 25)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RemoteHost("mx]", "203.0.113.5", 25)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RemoteHost("mx", "203.0.113.5", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failureKind_tagsAreStable() {
        assertThat(FailureKind.values()).extracting(FailureKind::tag).containsExactly(
                "dns", "connect", "tls", "protocol", "reply", "rate_limit", "local_io", "loop", "policy", "internal");
    }
}
