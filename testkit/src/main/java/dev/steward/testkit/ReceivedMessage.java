package dev.steward.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One message a {@link RecordingSmtpServer} accepted.
 *
 * @param connection        the connection's index, from 0, in accept order
 * @param sender            the MAIL FROM path ({@code ""} for {@code <>})
 * @param mailParameters    MAIL FROM's ESMTP parameters, keyword upper case to value (null
 *                          when none), in order
 * @param recipients        the recipients the server accepted, in order
 * @param content           the DATA bytes exactly as received after dot-unstuffing, end-of-data
 *                          line excluded
 * @param tlsProtocol       the TLS protocol of the connection, or null for plaintext
 * @param authenticatedUser the AUTH user name, or null
 *
 * <p>Thread safety: immutable ({@link #content()} returns a copy).
 */
public record ReceivedMessage(int connection, String sender, Map<String, String> mailParameters, List<String> recipients,
                              byte[] content, String tlsProtocol, String authenticatedUser) {

    public ReceivedMessage {
        Objects.requireNonNull(sender, "sender");
        mailParameters = Collections.unmodifiableMap(new LinkedHashMap<>(mailParameters));
        recipients = List.copyOf(recipients);
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The content decoded as UTF-8, for assertions on text. */
    public String contentAsString() {
        return new String(content, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ReceivedMessage[connection=" + connection + ", sender=" + sender + ", mailParameters=" + mailParameters
                + ", recipients=" + recipients + ", content=" + content.length + " octets, tlsProtocol=" + tlsProtocol
                + ", authenticatedUser=" + authenticatedUser + "]";
    }
}
