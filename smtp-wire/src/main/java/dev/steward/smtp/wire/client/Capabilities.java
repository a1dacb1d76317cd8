package dev.steward.smtp.wire.client;

import dev.steward.smtp.wire.SmtpReply;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a server said it supports in its EHLO reply (RFC 5321 §4.1.1.1): one extension per line
 * after the first, a keyword and optional parameters separated by spaces.
 *
 * @param extended   whether the server answered EHLO; false after the HELO fallback, when no
 *                   extension may be used
 * @param extensions keyword (upper case) to its parameters as sent (possibly {@code ""}), in the
 *                   order advertised; lines that are not {@code ehlo-keyword *(SP ehlo-param)}
 *                   are ignored; unmodifiable
 *
 * <p>Thread safety: immutable.
 */
public record Capabilities(boolean extended, Map<String, String> extensions) {

    public Capabilities {
        extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
        if (!extended && !extensions.isEmpty()) {
            throw new IllegalArgumentException("a HELO session has no extensions");
        }
    }

    /** After HELO: no extensions. */
    public static Capabilities helo() {
        return new Capabilities(false, Map.of());
    }

    /** Parses a positive EHLO reply; its first line is the server's name and greeting. */
    public static Capabilities fromEhlo(SmtpReply reply) {
        if (!reply.isPositiveCompletion()) {
            throw new IllegalArgumentException("not a positive EHLO reply: " + reply.oneLine());
        }
        Map<String, String> extensions = new LinkedHashMap<>();
        for (String line : reply.lines().subList(1, reply.lines().size())) {
            String trimmed = line.strip();
            int space = trimmed.indexOf(' ');
            String keyword = space < 0 ? trimmed : trimmed.substring(0, space);
            String parameters = space < 0 ? "" : trimmed.substring(space + 1).strip();
            // Pre-RFC 2554 servers also send "AUTH=LOGIN PLAIN"; read it as AUTH with its mechanisms.
            if (keyword.regionMatches(true, 0, "AUTH=", 0, 5)) {
                parameters = (keyword.substring(5) + " " + parameters).strip();
                keyword = "AUTH";
            }
            if (!isKeyword(keyword)) {
                continue;
            }
            String upper = keyword.toUpperCase(Locale.ROOT);
            if ("AUTH".equals(upper)) {
                // Servers that send both forms list the mechanisms twice; keep them all.
                extensions.merge(upper, parameters, (first, more) -> (first + " " + more).strip());
            } else {
                extensions.putIfAbsent(upper, parameters);
            }
        }
        return new Capabilities(true, extensions);
    }

    /** Whether the keyword was advertised. */
    public boolean has(String keyword) {
        return extensions.containsKey(keyword.toUpperCase(Locale.ROOT));
    }

    /** RFC 2920. */
    public boolean pipelining() {
        return has("PIPELINING");
    }

    /** RFC 3207. */
    public boolean startTls() {
        return has("STARTTLS");
    }

    /** RFC 6152. */
    public boolean eightBitMime() {
        return has("8BITMIME");
    }

    /** RFC 6531. */
    public boolean smtpUtf8() {
        return has("SMTPUTF8");
    }

    /** RFC 2034. */
    public boolean enhancedStatusCodes() {
        return has("ENHANCEDSTATUSCODES");
    }

    /** RFC 1870: whether SIZE was advertised, so that MAIL FROM may carry {@code SIZE=n}. */
    public boolean size() {
        return has("SIZE");
    }

    /**
     * RFC 1870 §4: the fixed maximum message size the server declared, or 0 when it declared none
     * (SIZE without a number, or {@code SIZE 0}) or did not advertise SIZE; -1 when the parameter
     * is not a number.
     */
    public long sizeLimit() {
        String value = extensions.get("SIZE");
        if (value == null || value.isEmpty()) {
            return 0;
        }
        String first = value.split(" ", 2)[0];
        if (first.isEmpty() || first.length() > 18 || !first.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(first);
    }

    /** RFC 4954: the SASL mechanisms after AUTH, upper case, in the order advertised; empty if none. */
    public Set<String> authMechanisms() {
        String value = extensions.get("AUTH");
        Set<String> mechanisms = new LinkedHashSet<>();
        if (value != null) {
            for (String mechanism : value.split(" ")) {
                if (!mechanism.isEmpty()) {
                    mechanisms.add(mechanism.toUpperCase(Locale.ROOT));
                }
            }
        }
        return Collections.unmodifiableSet(mechanisms);
    }

    /** RFC 5321 ehlo-keyword: {@code (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")}, ASCII only. */
    private static boolean isKeyword(String word) {
        if (word.isEmpty()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            boolean alphaNumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alphaNumeric && (i == 0 || c != '-')) {
                return false;
            }
        }
        return true;
    }
}
