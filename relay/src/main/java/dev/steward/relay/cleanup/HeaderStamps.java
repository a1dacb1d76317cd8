package dev.steward.relay.cleanup;

import dev.steward.relay.intake.ReceivedMessage;
import dev.steward.relay.queue.QueueId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The header values cleanup adds: {@code Received:} (RFC 5321 §4.4), {@code Message-ID:} and
 * {@code Date:} (RFC 5322 §3.3, §3.6.4). The clock and zone are injected so tests are exact.
 *
 * <p>Thread safety: immutable.
 */
public final class HeaderStamps {

    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ENGLISH);

    private final String hostname;
    private final ZoneId zone;

    public HeaderStamps(String hostname, Clock clock) {
        this.hostname = hostname;
        this.zone = clock.getZone();
    }

    /** {@code Received: from HELO ([127.0.0.1]) by HOST (Steward) with ESMTP id ID for <rcpt>; DATE}, folded. */
    String received(ReceivedMessage message, QueueId id) {
        String protocol = !message.session().esmtp() ? "SMTP" : message.smtputf8() ? "UTF8SMTP" : "ESMTP";
        StringBuilder text = new StringBuilder(200).append("Received: from ").append(sanitize(message.session().helo()))
                .append(" ([").append(message.session().client().getAddress().getHostAddress().replaceAll("%.*", ""))
                .append("])\r\n\tby ").append(hostname).append(" (Steward) with ").append(protocol)
                .append(" id ").append(id.value());
        if (message.recipients().size() == 1) {
            // RFC 5321 §4.4: "for" only for a single recipient, so Bcc recipients are not disclosed.
            text.append("\r\n\tfor <").append(sanitize(message.recipients().get(0))).append('>');
        }
        return text.append("; ").append(date(message.receivedAt())).append("\r\n").toString();
    }

    String messageId(QueueId id) {
        return "<" + id.value() + "." + Long.toString(System.nanoTime() & 0xffffffL, 36) + "@" + hostname + ">";
    }

    String date(Instant instant) {
        return RFC5322_DATE.format(instant.atZone(zone));
    }

    /** HELO names and addresses are untrusted: keep them printable, without anything that ends a comment or line. */
    static String sanitize(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().limit(255).forEach(c -> clean.appendCodePoint(
                c < 0x21 || c == 0x7f || c == '(' || c == ')' || c == ';' || c == '\\' || c == '<' || c == '>' ? '_' : c));
        return clean.toString();
    }
}
