package dev.steward.smtp.wire.client;

import java.util.List;
import java.util.Objects;

/**
 * The envelope of one mail transaction as {@link ClientSession#send} puts it on the wire.
 *
 * @param sender     the reverse-path mailbox without angle brackets, {@code ""} for the null
 *                   sender {@code <>} (bounces)
 * @param recipients the forward-path mailboxes without angle brackets, at least one, in the
 *                   order to send them; a local part that needs quoting is given quoted
 * @param size       the content size in octets for {@code SIZE=} (RFC 1870), or -1 if unknown
 * @param needs      which extensions the message needs ({@link TransportNeeds#scan})
 *
 * <p>Addresses holding a control character (CR, LF, NUL...), {@code <} or {@code >} are refused
 * here, so no address can add a command or a parameter of its own.
 *
 * <p>Thread safety: immutable.
 */
public record OutboundEnvelope(String sender, List<String> recipients, long size, TransportNeeds needs) {

    public OutboundEnvelope {
        checkAddress(Objects.requireNonNull(sender, "sender"), "sender");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("at least one recipient is needed");
        }
        for (String recipient : recipients) {
            if (recipient.isEmpty()) {
                throw new IllegalArgumentException("empty recipient");
            }
            checkAddress(recipient, "recipient");
        }
        if (size < -1) {
            throw new IllegalArgumentException("size must be >= 0, or -1 for unknown; was " + size);
        }
        Objects.requireNonNull(needs, "needs");
    }

    private static void checkAddress(String address, String what) {
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (Character.isISOControl(c) || c == '<' || c == '>' || c == '\u2028' || c == '\u2029') {
                throw new IllegalArgumentException(what + " holds a character not allowed in a path at index " + i);
            }
        }
    }
}
