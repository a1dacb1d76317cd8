package dev.steward.mail.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tag=value list of RFC 6376 §3.2, shared by the DKIM-Signature field and the key record.
 * Whitespace (including folds) around names and values is dropped; inside a value it is kept, and
 * callers that need it gone (base64 values, §3.5 {@code b=} and {@code bh=}) remove it.
 *
 * <p>Thread safety: immutable.
 */
final class TagList {

    private final Map<String, String> tags; // tag name (case-sensitive, §3.2) to value, in order

    private TagList(Map<String, String> tags) {
        this.tags = Collections.unmodifiableMap(tags);
    }

    /**
     * Parses a tag list.
     *
     * @throws IllegalArgumentException naming the problem: a segment without {@code =}, a bad tag
     *     name, a control character in a value, or a tag given twice
     */
    static TagList parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        String[] specs = text.split(";", -1);
        for (int i = 0; i < specs.length; i++) {
            String spec = specs[i];
            if (isWhitespace(spec)) {
                if (i == specs.length - 1) {
                    break; // §3.2: a trailing ";" is allowed
                }
                throw new IllegalArgumentException("empty tag-spec (\";;\")");
            }
            int equals = spec.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("tag-spec \"" + spec.strip() + "\" has no '='");
            }
            String name = stripFws(spec.substring(0, equals));
            if (!isTagName(name)) {
                throw new IllegalArgumentException("bad tag name \"" + name + "\"");
            }
            String value = stripFws(spec.substring(equals + 1));
            for (int c = 0; c < value.length(); c++) {
                char ch = value.charAt(c);
                if (ch < 0x21 && ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n' || ch == 0x7f) {
                    throw new IllegalArgumentException("control character in the value of tag " + name);
                }
            }
            if (tags.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("tag " + name + "= appears twice");
            }
        }
        return new TagList(tags);
    }

    /** The value of {@code name}, or {@code null} when absent. */
    String get(String name) {
        return tags.get(name);
    }

    boolean has(String name) {
        return tags.containsKey(name);
    }

    /** The first tag's name, or {@code null} for an empty list. */
    String firstName() {
        return tags.isEmpty() ? null : tags.keySet().iterator().next();
    }

    /** Removes every FWS character; for base64 values. */
    static String removeWhitespace(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String stripFws(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isFws(text.charAt(start))) {
            start++;
        }
        while (end > start && isFws(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isWhitespace(String text) {
        return stripFws(text).isEmpty();
    }

    private static boolean isFws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** §3.2: ALPHA *ALNUMPUNC. */
    private static boolean isTagName(String name) {
        if (name.isEmpty() || !isAlpha(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
