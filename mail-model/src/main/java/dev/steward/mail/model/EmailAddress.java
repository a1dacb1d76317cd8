package dev.steward.mail.model;

import java.nio.charset.StandardCharsets;
import dev.steward.mail.model.internal.MailText;
import java.util.Objects;

/**
 * A mailbox address: an RFC 5321 {@code Mailbox} / RFC 5322 {@code addr-spec} without angle
 * brackets, with UTF-8 allowed in both parts (RFC 6531 §3.3, RFC 6532 §3.2).
 *
 * <p>The local part is kept exactly as written, quotes included, because only the destination
 * may interpret it (RFC 5321 §2.4). The domain is kept twice: {@link #domainText()} as written, so
 * the address can be relayed unchanged, and {@link #domain()} normalised, for comparisons.
 *
 * <p>Address literals ({@code user@[192.0.2.1]}) are refused: Steward only relays for named
 * domains.
 *
 * <p>Thread safety: immutable.
 *
 * @param localPart the local part as written: a dot-string or a quoted string with its quotes
 * @param domainText the domain as written
 * @param domain the domain normalised
 */
public record EmailAddress(String localPart, String domainText, DomainName domain) {

    /** RFC 5321 §4.5.3.1.1. */
    static final int MAX_LOCAL_PART_OCTETS = 64;

    /** RFC 5321 §4.5.3.1.3 path limit of 256 octets, less the two angle brackets. */
    static final int MAX_ADDRESS_OCTETS = 254;

    public EmailAddress {
        Objects.requireNonNull(localPart, "localPart");
        Objects.requireNonNull(domainText, "domainText");
        Objects.requireNonNull(domain, "domain");
        checkLocalPart(localPart);
        if (!DomainName.parse(domainText).equals(domain)) {
            throw new IllegalArgumentException(
                    "domain \"" + domainText + "\" does not normalise to " + domain.ascii());
        }
        checkLength(localPart, domainText);
    }

    /**
     * Parses an address such as {@code app@app.example.test}, {@code "john doe"@example.test} or
     * {@code bjørn@bücher.example}.
     *
     * @throws IllegalArgumentException with a reason in plain words
     */
    public static EmailAddress parse(String addrSpec) {
        Objects.requireNonNull(addrSpec, "addrSpec");
        if (addrSpec.isEmpty()) {
            throw new IllegalArgumentException("the address is empty");
        }
        int at = localPartEnd(addrSpec);
        if (at < addrSpec.length() && addrSpec.charAt(at) != '@') {
            throw new IllegalArgumentException("the address \"" + addrSpec
                    + "\" continues after the quoted local part with " + MailText.describe(addrSpec.charAt(at))
                    + " instead of @");
        }
        if (at >= addrSpec.length()) {
            throw new IllegalArgumentException("the address \"" + addrSpec + "\" has no @domain part");
        }
        String localPart = addrSpec.substring(0, at);
        String domainText = addrSpec.substring(at + 1);
        checkLocalPart(localPart);
        if (domainText.isEmpty()) {
            throw new IllegalArgumentException("the address \"" + addrSpec + "\" has an empty domain");
        }
        if (domainText.startsWith("[")) {
            throw new IllegalArgumentException("address literals such as \"" + domainText
                    + "\" are not accepted: the address must end in a domain name");
        }
        if (domainText.endsWith(".")) {
            // RFC 5321 §4.1.2 Domain has no trailing dot; DomainName would tolerate it.
            throw new IllegalArgumentException("the domain \"" + domainText + "\" ends with a dot");
        }
        if (domainText.contains("\u3002") || domainText.contains("\uff0e") || domainText.contains("\uff61")) {
            // IDNA2003 maps these to '.', but RFC 6531 §3.3 separates labels with '.' only; an
            // address relayed unchanged must not depend on the receiver doing the same mapping.
            throw new IllegalArgumentException("the domain \"" + domainText
                    + "\" separates labels with a character other than '.'");
        }
        DomainName domain;
        try {
            domain = DomainName.parse(domainText);
        } catch (IllegalArgumentException badDomain) {
            throw new IllegalArgumentException("the address \"" + addrSpec + "\" has an invalid domain: "
                    + badDomain.getMessage(), badDomain);
        }
        return new EmailAddress(localPart, domainText, domain);
    }

    /** True when both parts are ASCII, so the address needs no SMTPUTF8 (RFC 6531). */
    public boolean isAscii() {
        return isAscii(localPart) && isAscii(domainText);
    }

    @Override
    public String toString() {
        return localPart + "@" + domainText;
    }

    /** The index of the {@code @} that ends the local part, or where scanning stopped. */
    private static int localPartEnd(String text) {
        if (text.charAt(0) != '"') {
            int at = text.indexOf('@');
            return at < 0 ? text.length() : at;
        }
        int i = 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("the quoted local part of \"" + text + "\" has no closing quote");
    }

    private static void checkLocalPart(String localPart) {
        if (localPart.isEmpty()) {
            throw new IllegalArgumentException("the local part (before the @) is empty");
        }
        if (localPart.charAt(0) == '"') {
            checkQuotedString(localPart);
        } else {
            checkDotString(localPart);
        }
        int octets = localPart.getBytes(StandardCharsets.UTF_8).length;
        if (octets > MAX_LOCAL_PART_OCTETS) {
            throw new IllegalArgumentException("the local part is " + octets + " octets long; at most "
                    + MAX_LOCAL_PART_OCTETS + " are allowed");
        }
    }

    /** RFC 5321 §4.1.2 Dot-string, with RFC 6531 §3.3 UTF-8 in atext. */
    private static void checkDotString(String localPart) {
        if (localPart.startsWith(".") || localPart.endsWith(".") || localPart.contains("..")) {
            throw new IllegalArgumentException("the local part \"" + localPart
                    + "\" starts or ends with a dot, or has two dots in a row; quote it if it really is so");
        }
        for (int i = 0; i < localPart.length(); ) {
            int codePoint = localPart.codePointAt(i);
            if (codePoint != '.' && !MailText.isAtext(codePoint)) {
                throw new IllegalArgumentException("the local part \"" + localPart + "\" contains "
                        + MailText.describe(codePoint) + ", which is only allowed inside quotes");
            }
            i += Character.charCount(codePoint);
        }
    }

    /** RFC 5321 §4.1.2 Quoted-string (qtextSMTP, quoted-pairSMTP), with RFC 6531 UTF-8 in qtext. */
    private static void checkQuotedString(String localPart) {
        int last = localPart.length() - 1;
        if (last < 1 || localPart.charAt(last) != '"') {
            throw new IllegalArgumentException("the quoted local part " + localPart + " is not closed by a quote");
        }
        for (int i = 1; i < last; ) {
            int codePoint = localPart.codePointAt(i);
            if (codePoint == '\\') {
                int escaped = i + 1 < last ? localPart.charAt(i + 1) : -1;
                if (escaped < ' ' || escaped > '~') {
                    throw new IllegalArgumentException("the quoted local part " + localPart
                            + " has a backslash not followed by a printable ASCII character");
                }
                i += 2;
                continue;
            }
            if (codePoint == '"') {
                throw new IllegalArgumentException("the quoted local part " + localPart
                        + " has a quote inside that is not escaped with a backslash");
            }
            boolean qtext = (codePoint >= ' ' && codePoint <= '~') || MailText.isUtf8NonAscii(codePoint);
            if (!qtext) {
                throw new IllegalArgumentException("the quoted local part " + localPart + " contains "
                        + MailText.describe(codePoint));
            }
            i += Character.charCount(codePoint);
        }
    }

    private static void checkLength(String localPart, String domainText) {
        int octets = (localPart + "@" + domainText).getBytes(StandardCharsets.UTF_8).length;
        if (octets > MAX_ADDRESS_OCTETS) {
            throw new IllegalArgumentException("the address is " + octets + " octets long; at most "
                    + MAX_ADDRESS_OCTETS + " are allowed");
        }
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }
}
