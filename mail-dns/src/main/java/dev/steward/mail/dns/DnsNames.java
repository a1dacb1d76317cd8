package dev.steward.mail.dns;

import java.time.Duration;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Checks and formats for DNS names and durations; not API. Thread safety: stateless. */
final class DnsNames {
    private DnsNames() {}

    /**
     * The absolute dnsjava name for {@code text}: ASCII letters, digits, hyphens and underscores
     * in labels of 1 to 63 characters, at most 253 characters, an optional trailing dot.
     */
    static Name toQueryName(String text) {
        if (text == null || text.isEmpty() || text.equals(".")) {
            throw new IllegalArgumentException("the DNS name is empty");
        }
        String body = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (body.length() > 253) {
            throw new IllegalArgumentException("the DNS name is longer than 253 characters: " + text);
        }
        for (String label : body.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                throw new IllegalArgumentException("the DNS name \"" + text + "\" has an empty or over-long label");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                        || c == '-' || c == '_';
                if (!allowed) {
                    throw new IllegalArgumentException("the DNS name \"" + text
                            + "\" must be ASCII letters, digits, '-' and '_' (convert IDNs to A-labels first)");
                }
            }
        }
        try {
            return Name.fromString(body, Name.root);
        } catch (TextParseException impossible) {
            throw new IllegalArgumentException("the DNS name \"" + text + "\" cannot be parsed: "
                    + impossible.getMessage(), impossible);
        }
    }

    /** {@code 5s}, {@code 1500ms}. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
