package dev.steward.mail.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The header fields of a message exactly as written, for canonicalization: each field's octets
 * (name, colon, value, folds, final CRLF) as an ISO-8859-1 string, one char per octet. Unlike
 * {@code mail-model}'s {@code HeaderSection}, nothing is unfolded or decoded, because simple
 * canonicalization needs the original bytes.
 *
 * <p>Thread safety: immutable.
 *
 * @param fields the fields in message order
 * @param bodyOffset the first body octet (after the empty line), or the input length when there is
 *     no empty line
 */
record RawHeaders(List<Field> fields, int bodyOffset) {

    /** One raw field; {@code name} is as written, {@code raw} includes the final CRLF if present. */
    record Field(String name, String raw) {
        boolean hasName(String other) {
            return name.equalsIgnoreCase(other);
        }
    }

    RawHeaders {
        fields = List.copyOf(fields);
    }

    /** Splits the header section of {@code message[0, length)}; lines without a colon are skipped. */
    static RawHeaders parse(byte[] message, int length) {
        String text = new String(message, 0, length, StandardCharsets.ISO_8859_1);
        List<Field> fields = new ArrayList<>();
        int position = 0;
        int bodyOffset = length;
        StringBuilder current = null;
        while (position < text.length()) {
            int lineEnd = text.indexOf("\r\n", position);
            int next = lineEnd < 0 ? text.length() : lineEnd + 2;
            if (lineEnd == position) {
                bodyOffset = next;
                break;
            }
            String line = text.substring(position, next);
            char first = line.charAt(0);
            if ((first == ' ' || first == '\t') && current != null) {
                current.append(line);
            } else {
                add(fields, current);
                current = line.indexOf(':') > 0 ? new StringBuilder(line) : null;
            }
            position = next;
        }
        add(fields, current);
        return new RawHeaders(fields, bodyOffset);
    }

    private static void add(List<Field> fields, StringBuilder raw) {
        if (raw != null) {
            String text = raw.toString();
            fields.add(new Field(text.substring(0, text.indexOf(':')).strip(), text));
        }
    }

    /**
     * The fields to sign or verify for the {@code h=} list: for each name, the next instance
     * counting from the bottom (RFC 6376 §5.4.2); a name with no instance left contributes nothing
     * (the null string, which is how over-signing works).
     */
    List<Field> select(List<String> names) {
        List<Field> selected = new ArrayList<>(names.size());
        java.util.Map<String, Integer> used = new java.util.HashMap<>();
        for (String name : names) {
            String key = name.toLowerCase(java.util.Locale.ROOT);
            int skip = used.getOrDefault(key, 0);
            for (int i = fields.size() - 1; i >= 0; i--) {
                if (fields.get(i).hasName(name) && skip-- == 0) {
                    selected.add(fields.get(i));
                    break;
                }
            }
            used.merge(key, 1, Integer::sum);
        }
        return selected;
    }

    int count(String name) {
        return (int) fields.stream().filter(field -> field.hasName(name)).count();
    }
}
