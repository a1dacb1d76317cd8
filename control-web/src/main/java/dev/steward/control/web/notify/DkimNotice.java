package dev.steward.control.web.notify;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.fleet.Server;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * The DKIM record notice (DNS-3): the exact TXT record a customer publishes for a server's key, as
 * an e-mail in the customer's language.
 *
 * <p>The record's owner is {@code <selector>._domainkey.<app host>}; its value is
 * {@code v=DKIM1; k=rsa; p=<key>} ({@code k=ed25519} for a 32-byte Ed25519 key), given whole (for
 * DNS panels that split long values themselves) and as quoted strings of at most 255 characters
 * (RFC 7208 §3.3 style, for zone files and panels that need them split).
 *
 * <p>Thread safety: immutable.
 *
 * @param owner the TXT record's name
 * @param value the TXT record's value, whole
 * @param subject the message subject
 * @param body the message body (plain text)
 */
public record DkimNotice(String owner, String value, String subject, String body) {

    /** The longest character-string in a TXT record (RFC 1035 §3.3). */
    public static final int MAX_STRING = 255;

    public DkimNotice {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(value, "value");
    }

    /**
     * The notice for {@code server}'s current key.
     *
     * @throws IllegalArgumentException if the server has no DKIM key
     */
    public static DkimNotice of(Server server, Customer customer, String providerName) {
        if (server.dkimSelector() == null || server.dkimPublicKey() == null) {
            throw new IllegalArgumentException("server " + server.name() + " has no DKIM key");
        }
        String owner = server.dkimSelector() + "._domainkey." + server.appHost();
        String value = recordValue(server.dkimPublicKey());
        String split = String.join(" ", split(value).stream().map(part -> "\"" + part + "\"").toList());
        boolean nl = customer.language() == Language.NL;
        String subject = nl
                ? "DKIM-record voor " + server.appHost() + ": publiceer deze TXT-record"
                : "DKIM record for " + server.appHost() + ": publish this TXT record";
        String body = nl ? """
                Beste klant,

                De server %s verstuurt de e-mail van %s en ondertekent elk bericht met DKIM.
                Publiceer deze TXT-record in de DNS-zone van uw domein, zodat ontvangers de
                handtekening kunnen controleren:

                Naam (host):   %s
                Type:          TXT
                Waarde:
                %s

                Vraagt uw DNS-beheerder om de waarde in stukken van maximaal 255 tekens
                (bijvoorbeeld in een zonebestand), gebruik dan deze vorm:

                %s IN TXT ( %s )

                Steward controleert of de gepubliceerde record overeenkomt met de sleutel van
                de server; u ziet het resultaat op de DNS-pagina.

                Met vriendelijke groet,
                %s
                """ : """
                Dear customer,

                The server %s sends the e-mail of %s and signs every message with DKIM.
                Publish this TXT record in your domain's DNS zone so that receivers can verify
                the signature:

                Name (host):   %s
                Type:          TXT
                Value:
                %s

                If your DNS provider needs the value in strings of at most 255 characters
                (in a zone file, for example), use this form:

                %s IN TXT ( %s )

                Steward checks that the published record matches the server's key; you see the
                result on the DNS page.

                Kind regards,
                %s
                """;
        body = body.formatted(server.name(), server.appHost(), owner, value, owner + ".", split, providerName);
        return new DkimNotice(owner, value, subject, body);
    }

    /** The TXT value for a stored public key: the key as {@code p=}, or a stored record as it is. */
    public static String recordValue(String publicKey) {
        String key = publicKey.strip();
        if (key.startsWith("v=DKIM1")) {
            return key;
        }
        String compact = key.replaceAll("\\s+", "");
        String type = "rsa";
        try {
            if (Base64.getDecoder().decode(compact).length == 32) {
                type = "ed25519";
            }
        } catch (IllegalArgumentException notBase64) {
            // Stored as given; the DNS check reports a key that is not base64.
        }
        return "v=DKIM1; k=" + type + "; p=" + compact;
    }

    /** {@code value} in pieces of at most {@link #MAX_STRING} characters. */
    public static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < value.length(); i += MAX_STRING) {
            parts.add(value.substring(i, Math.min(value.length(), i + MAX_STRING)));
        }
        return parts;
    }

    /**
     * The whole message (RFC 5322): header and body, UTF-8 text; the body goes as 7bit when it is
     * ASCII and as base64 otherwise, so no relay needs 8BITMIME.
     *
     * @param messageIdDomain the right-hand side of the Message-ID
     */
    public String message(String from, List<String> to, ZonedDateTime date, String messageIdDomain) {
        boolean ascii = StandardCharsets.US_ASCII.newEncoder().canEncode(body);
        StringBuilder message = new StringBuilder();
        message.append("From: Steward <").append(from).append(">\r\n");
        message.append("To: ").append(String.join(", ", to)).append("\r\n");
        message.append("Subject: ").append(subject).append("\r\n");
        message.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(date)).append("\r\n");
        message.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(messageIdDomain).append(">\r\n");
        message.append("Auto-Submitted: auto-generated\r\n");
        message.append("MIME-Version: 1.0\r\n");
        message.append("Content-Type: text/plain; charset=utf-8\r\n");
        if (ascii) {
            message.append("Content-Transfer-Encoding: 7bit\r\n\r\n").append(body.replace("\n", "\r\n"));
        } else {
            message.append("Content-Transfer-Encoding: base64\r\n\r\n")
                    .append(Base64.getMimeEncoder().encodeToString(body.replace("\n", "\r\n")
                            .getBytes(StandardCharsets.UTF_8))).append("\r\n");
        }
        return message.toString();
    }
}
