package dev.steward.mail.dkim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The DNS TXT record that publishes a DKIM public key (RFC 6376 §3.6.2.1).
 *
 * <p>Thread safety: immutable.
 *
 * @param owner the record's name, {@code SELECTOR._domainkey.DOMAIN}, no trailing dot
 * @param value the whole TXT value, e.g. {@code v=DKIM1; k=rsa; p=MIIB...}; what a DNS web form
 *     wants
 */
public record DkimTxtRecord(String owner, String value) {

    /** RFC 1035 §3.3: a character-string holds at most 255 octets. */
    public static final int MAX_STRING = 255;

    public DkimTxtRecord {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(value, "value");
    }

    /** The value cut into character-strings of at most {@value #MAX_STRING} octets (the value is ASCII). */
    public List<String> strings() {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < value.length(); i += MAX_STRING) {
            strings.add(value.substring(i, Math.min(value.length(), i + MAX_STRING)));
        }
        return strings;
    }

    /**
     * The record as one zone-file line (RFC 1035 §5.1), e.g.
     * {@code nexx._domainkey.app.example. IN TXT "v=DKIM1; k=rsa; p=..." "..."}. The value has no
     * quotes or backslashes to escape.
     */
    public String zoneFileLine() {
        StringBuilder line = new StringBuilder(owner).append(". IN TXT");
        for (String string : strings()) {
            line.append(" \"").append(string).append('"');
        }
        return line.toString();
    }
}
