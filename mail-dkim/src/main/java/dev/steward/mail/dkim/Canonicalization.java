package dev.steward.mail.dkim;

import java.util.Locale;

/**
 * The two canonicalization algorithms of RFC 6376 §3.4, each for the header (§3.4.1, §3.4.2) and
 * the body (§3.4.3, §3.4.4).
 *
 * <p>Header fields are handled as ISO-8859-1 strings, one char per octet, so 8-bit and UTF-8
 * header bytes pass through unchanged. Bodies are canonicalized as a stream by {@link BodyHasher}.
 *
 * <p>Thread safety: immutable.
 */
public enum Canonicalization {

    /** Tolerates no change: header fields and body lines as they are. */
    SIMPLE,

    /** Tolerates case changes in field names, refolding and whitespace changes. */
    RELAXED;

    /** The {@code c=} spelling: {@code simple} or {@code relaxed}. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The canonicalization with this {@code c=} spelling, or {@code null} if unknown. */
    static Canonicalization ofTagValue(String value) {
        return switch (value) {
            case "simple" -> SIMPLE;
            case "relaxed" -> RELAXED;
            default -> null;
        };
    }

    /**
     * Canonicalizes one header field. {@code rawField} is the field exactly as in the message (one
     * char per octet), name, colon, value and folds, with or without its final CRLF; the result ends
     * with CRLF.
     */
    public String header(String rawField) {
        String field = rawField.endsWith("\r\n") ? rawField.substring(0, rawField.length() - 2) : rawField;
        if (this == SIMPLE) {
            return field + "\r\n";
        }
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).stripTrailing().toLowerCase(Locale.ROOT);
        // RFC 6376 §3.4.2: unfold, runs of WSP to one SP, no WSP at the end or around the colon.
        StringBuilder value = new StringBuilder(field.length() - colon);
        boolean pendingSpace = false;
        for (int i = colon + 1; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == ' ' || c == '\t') {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace && !value.isEmpty()) {
                value.append(' ');
            }
            pendingSpace = false;
            value.append(c);
        }
        return name + ":" + value + "\r\n";
    }

    /** Canonicalizes a whole body held in memory; the streaming form is {@link BodyHasher}. */
    public byte[] body(byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length + 2);
        BodyHasher canonicalizer = new BodyHasher(this, -1, out::write);
        canonicalizer.update(body, 0, body.length);
        canonicalizer.finish();
        return out.toByteArray();
    }
}
