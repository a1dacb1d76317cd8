package dev.steward.dnscheck;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One DNS record the customer should publish or remove, exactly as a DNS provider's form or a zone
 * file wants it.
 *
 * <p>Thread safety: immutable.
 *
 * @param action publish the record, or remove it
 * @param owner the record's name, without the trailing dot, e.g. {@code nexx._domainkey.app.example.org}
 * @param type the record type in upper case: {@code A}, {@code AAAA}, {@code CNAME}, {@code TXT}, {@code PTR}
 * @param value the record data as one string: an address, a host name without trailing dot, or the
 *     whole TXT value (not quoted, not split)
 */
public record RecordChange(Action action, String owner, String type, String value) {

    /** RFC 1035 §3.3: a TXT character-string holds at most 255 octets. */
    public static final int MAX_STRING_OCTETS = 255;

    /** What to do with the record. */
    public enum Action {
        /** Create the record (replacing nothing: a record to replace is listed separately as {@link #REMOVE}). */
        PUBLISH,
        /** Delete the record. */
        REMOVE;

        /** {@code publish} or {@code remove}, as in JSON. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RecordChange {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        type = type.toUpperCase(Locale.ROOT);
    }

    /** A record to create. */
    public static RecordChange publish(String owner, String type, String value) {
        return new RecordChange(Action.PUBLISH, owner, type, value);
    }

    /** A record to delete. */
    public static RecordChange remove(String owner, String type, String value) {
        return new RecordChange(Action.REMOVE, owner, type, value);
    }

    /**
     * For TXT, the value cut into character-strings of at most {@value #MAX_STRING_OCTETS} UTF-8 octets
     * (never inside a character), which is how a zone file or a DNS API that takes strings wants a long
     * value; receivers join them without separators (RFC 7208 §3.3, RFC 6376 §3.6.2.2). For other
     * types, the value alone.
     */
    public List<String> strings() {
        if (!type.equals("TXT")) {
            return List.of(value);
        }
        List<String> strings = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int octets = 0;
        for (int offset = 0; offset < value.length(); ) {
            int codePoint = value.codePointAt(offset);
            String character = new String(Character.toChars(codePoint));
            int size = character.getBytes(StandardCharsets.UTF_8).length;
            if (octets + size > MAX_STRING_OCTETS) {
                strings.add(current.toString());
                current.setLength(0);
                octets = 0;
            }
            current.append(character);
            octets += size;
            offset += Character.charCount(codePoint);
        }
        if (current.length() > 0 || strings.isEmpty()) {
            strings.add(current.toString());
        }
        return strings;
    }

    /** True when the TXT value needs more than one character-string. */
    public boolean isSplit() {
        return strings().size() > 1;
    }

    /**
     * The record as one zone-file line (RFC 1035 §5.1), e.g.
     * {@code app.example.org. IN A 192.0.2.10} or
     * {@code nexx._domainkey.app.example.org. IN TXT "v=DKIM1; k=rsa; p=MIIB..." "..."}.
     */
    public String zoneFileLine() {
        StringBuilder line = new StringBuilder(owner).append(". IN ").append(type);
        switch (type) {
            case "TXT" -> {
                for (String string : strings()) {
                    line.append(" \"").append(string.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                }
            }
            case "CNAME", "PTR", "MX", "NS" -> line.append(' ').append(value).append('.');
            default -> line.append(' ').append(value);
        }
        return line.toString();
    }
}
