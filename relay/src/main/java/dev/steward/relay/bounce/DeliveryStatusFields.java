package dev.steward.relay.bounce;

import dev.steward.mail.model.Dsn;
import java.time.Instant;
import java.util.function.Function;

/**
 * The body of the {@code message/delivery-status} part (RFC 3464 §2.2, §2.3): the per-message
 * fields, then one block per recipient, blocks separated by an empty line. All ASCII: remote text
 * is reduced to printable ASCII, and a UTF-8 address is written as {@code utf-8} xtext
 * (RFC 6533 §3), so the part stays valid {@code message/delivery-status}.
 *
 * <p>Thread safety: stateless.
 */
final class DeliveryStatusFields {

    /** Diagnostic type for failures no remote server described (Postfix writes {@code X-Postfix}). */
    static final String LOCAL_DIAGNOSTIC_TYPE = "X-Steward";

    private DeliveryStatusFields() {
    }

    /**
     * @param willRetryUntil for a delay warning, when the relay gives up; null in a bounce
     * @param date           formats an instant as an RFC 5322 date
     */
    static String render(String reportingMta, ReturnedMessage message, Instant willRetryUntil,
            Function<Instant, String> date) {
        StringBuilder out = new StringBuilder(512);
        out.append(MimeText.field("Reporting-MTA", "dns; " + MimeText.ascii(reportingMta)));
        out.append(MimeText.field("X-Steward-Queue-ID", MimeText.ascii(message.queueId())));
        out.append(MimeText.field("X-Steward-Sender", address(message.sender())));
        out.append(MimeText.field("Arrival-Date", date.apply(message.arrival())));
        for (RecipientReport recipient : message.recipients()) {
            Dsn dsn = recipient.dsn();
            out.append(MimeText.CRLF);
            out.append(MimeText.field("Final-Recipient", address(recipient.recipient())));
            if (recipient.originalRecipient() != null && !recipient.originalRecipient().equalsIgnoreCase(recipient.recipient())) {
                out.append(MimeText.field("Original-Recipient", address(recipient.originalRecipient())));
            }
            out.append(MimeText.field("Action", dsn.action().keyword()));
            out.append(MimeText.field("Status", dsn.status().toString()));
            if (dsn.remoteMta() != null) {
                out.append(MimeText.field("Remote-MTA", "dns; " + MimeText.ascii(dsn.remoteMta())));
            }
            out.append(MimeText.field("Diagnostic-Code", dsn.diagnostic() != null
                    ? MimeText.ascii(dsn.diagnostic().toString())
                    : LOCAL_DIAGNOSTIC_TYPE + "; " + MimeText.ascii(dsn.reason())));
            if (recipient.lastAttempt() != null) {
                out.append(MimeText.field("Last-Attempt-Date", date.apply(recipient.lastAttempt())));
            }
            if (willRetryUntil != null) {
                out.append(MimeText.field("Will-Retry-Until", date.apply(willRetryUntil)));
            }
        }
        return out.toString();
    }

    /**
     * {@code rfc822; bob@example.org}, or for an address with UTF-8 (RFC 6531)
     * {@code utf-8; bj\x{F8}rn@example.org}: RFC 6533 §3 utf-8-addr-xtext, where everything but
     * printable ASCII other than {@code +}, {@code =} and {@code \} is {@code \x{HEX}}.
     */
    static String address(String address) {
        boolean ascii = address.chars().allMatch(c -> c >= ' ' && c < 0x7f);
        if (ascii) {
            return "rfc822; " + address;
        }
        StringBuilder xtext = new StringBuilder("utf-8; ");
        address.codePoints().forEach(c -> {
            if (c > ' ' && c < 0x7f && c != '+' && c != '=' && c != '\\') {
                xtext.appendCodePoint(c);
            } else {
                xtext.append("\\x{").append(String.format("%02X", c)).append('}');
            }
        });
        return xtext.toString();
    }
}
