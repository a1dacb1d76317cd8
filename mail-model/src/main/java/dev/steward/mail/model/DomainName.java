package dev.steward.mail.model;

import java.net.IDN;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A domain name in normalised A-label form: lowercase ASCII letters, digits, hyphens and dots, no
 * trailing dot. {@link #parse(String)} accepts U-labels ({@code bücher.example}) and A-labels
 * ({@code xn--bcher-kva.example}) in any case; two spellings of the same name give equal values, so
 * comparisons need no further folding.
 *
 * <p>The canonical constructor accepts only the normalised form and rejects anything else; use
 * {@link #parse(String)} for text from users, config or the wire.
 *
 * <p>Thread safety: immutable.
 *
 * @param ascii the normalised A-label form, e.g. {@code xn--bcher-kva.example}
 */
public record DomainName(String ascii) {

    /** RFC 1035 §2.3.4 / RFC 5890 §2.3.1. */
    static final int MAX_LABEL_OCTETS = 63;

    /** RFC 1035 §2.3.4: 255 octets on the wire, so 253 characters in text without the root dot. */
    static final int MAX_NAME_OCTETS = 253;

    /** RFC 3490 §3.1: the label separators IDNA2003 recognises besides the full stop. */
    private static final Pattern LABEL_SEPARATORS = Pattern.compile("[.\u3002\uff0e\uff61]");

    private static final String ACE_PREFIX = "xn--";

    public DomainName {
        Objects.requireNonNull(ascii, "ascii");
        String normalised = normalise(ascii);
        if (!normalised.equals(ascii)) {
            throw new IllegalArgumentException(
                    "domain \"" + ascii + "\" is not in normalised A-label form (use DomainName.parse)");
        }
    }

    /**
     * Parses and normalises a domain name. A single trailing dot (the DNS root) is tolerated and
     * removed.
     *
     * @throws IllegalArgumentException with a reason in plain words when the text is not a domain
     *     name
     */
    public static DomainName parse(String text) {
        Objects.requireNonNull(text, "text");
        return new DomainName(normalise(text));
    }

    /** The name with A-labels decoded for display, e.g. {@code bücher.example}; ASCII names unchanged. */
    public String unicode() {
        return IDN.toUnicode(ascii, 0);
    }

    /** True when this name contains at least one A-label ({@code xn--}), so {@link #unicode()} differs. */
    public boolean isInternationalized() {
        return !unicode().equals(ascii);
    }

    /**
     * True when this name equals {@code parent} or lies below it at any depth. The comparison is on
     * whole labels: {@code x.app.example.test} is below {@code app.example.test}, but
     * {@code evil-app.example.test} and {@code app.example.test.evil.test} are not.
     */
    public boolean isSameOrSubdomainOf(DomainName parent) {
        Objects.requireNonNull(parent, "parent");
        // Both sides are normalised, so plain string comparison is exact; the "." guard keeps the
        // match on a label boundary.
        return ascii.equals(parent.ascii) || ascii.endsWith("." + parent.ascii);
    }

    @Override
    public String toString() {
        return ascii;
    }

    private static String normalise(String text) {
        String plain = plainNormalised(text);
        return plain != null ? plain : fullyNormalised(text);
    }

    /** {@link #normalise} without the plain-ASCII hot path (package-private: a test compares the two). */
    static String fullyNormalised(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the domain is empty");
        }
        // Check for empty labels ourselves: the JDK's own message for them is less helpful.
        String withoutRoot = stripOneTrailingSeparator(text);
        if (withoutRoot.isEmpty()) {
            throw new IllegalArgumentException("the domain is only a dot");
        }
        for (String label : LABEL_SEPARATORS.split(withoutRoot, -1)) {
            if (label.isEmpty()) {
                throw new IllegalArgumentException(
                        "the domain \"" + text + "\" has an empty label (two dots in a row, or a leading dot)");
            }
        }
        String ascii;
        if (isPlainAscii(withoutRoot)) {
            // Hot path (every MAIL, RCPT and From is parsed): for letters, digits, hyphens and dots
            // IDN.toASCII changes nothing, so skip its StringPrep work; the checks below still run.
            ascii = withoutRoot;
        } else try {
            // XXX IDNA2003 (RFC 3490) through the JDK, not IDNA2008 (RFC 5891): a few names map
            // differently, e.g. "straße" becomes "strasse" here but "xn--strae-oqa" under IDNA2008,
            // and IDNA2003 accepts some symbols IDNA2008 forbids. The JDK has no IDNA2008 and we add
            // no dependency for it; app domains are configured by the operator, who can give the
            // A-label to get exactly what DNS holds.
            ascii = IDN.toASCII(withoutRoot, 0);
        } catch (IllegalArgumentException notIdn) {
            throw new IllegalArgumentException(
                    "the domain \"" + text + "\" is not a valid internationalised domain name: "
                            + notIdn.getMessage(), notIdn);
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        if (ascii.length() > MAX_NAME_OCTETS) {
            throw new IllegalArgumentException("the domain is longer than " + MAX_NAME_OCTETS
                    + " characters in ASCII form (" + ascii.length() + ")");
        }
        String[] labels = ascii.split("\\.", -1);
        for (String label : labels) {
            checkLabel(text, label);
        }
        // RFC 3696 §2: a top-level domain is never all digits; "1.2.3.4" is an IP address written
        // without brackets, and must not pass as a domain.
        if (labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(
                    "the domain \"" + text + "\" ends in an all-digit label, which is not a domain name");
        }
        return ascii;
    }

    /**
     * The hot path (every MAIL, RCPT, From and delivery parses a name, and the constructor checks
     * the result again): one pass over a name of ASCII letters, digits, hyphens and dots that
     * {@link #normalise} would accept as it is or lowercased, without its regex splits and
     * streams. Null for anything else, including A-labels ({@code xn--}, whose round trip only
     * the full path checks), so that the full path decides and words the reason.
     */
    private static String plainNormalised(String text) {
        int end = text.length();
        if (end > 0 && text.charAt(end - 1) == '.') {
            end--; // the root
        }
        if (end == 0 || end > MAX_NAME_OCTETS) {
            return null;
        }
        boolean upper = false;
        boolean digitsOnly = true; // of the current label
        int labelStart = 0;
        for (int i = 0; i <= end; i++) {
            char c = i < end ? text.charAt(i) : '.';
            if (c == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL_OCTETS || text.charAt(labelStart) == '-'
                        || text.charAt(i - 1) == '-'
                        || length >= 4 && text.charAt(labelStart + 2) == '-' && text.charAt(labelStart + 3) == '-') {
                    return null;
                }
                if (i == end && digitsOnly) {
                    return null; // an all-digit top-level label
                }
                labelStart = i + 1;
                digitsOnly = true;
            } else if (c >= '0' && c <= '9') {
                continue;
            } else if (c >= 'a' && c <= 'z' || c == '-') {
                digitsOnly = false;
            } else if (c >= 'A' && c <= 'Z') {
                digitsOnly = false;
                upper = true;
            } else {
                return null;
            }
        }
        String name = end == text.length() ? text : text.substring(0, end);
        return upper ? name.toLowerCase(Locale.ROOT) : name;
    }

    private static boolean isPlainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static String stripOneTrailingSeparator(String text) {
        int last = text.length() - 1;
        return LABEL_SEPARATORS.matcher(text.substring(last)).matches() ? text.substring(0, last) : text;
    }

    private static void checkLabel(String text, String label) {
        if (label.isEmpty()) {
            throw new IllegalArgumentException("the domain \"" + text + "\" has an empty label");
        }
        if (label.length() > MAX_LABEL_OCTETS) {
            throw new IllegalArgumentException("the label \"" + label + "\" is longer than "
                    + MAX_LABEL_OCTETS + " characters in ASCII form (" + label.length() + ")");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean ldh = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ldh) {
                throw new IllegalArgumentException("the label \"" + label
                        + "\" contains a character other than letters, digits and hyphens: " + describe(c));
            }
        }
        if (label.startsWith("-") || label.endsWith("-")) {
            throw new IllegalArgumentException("the label \"" + label + "\" starts or ends with a hyphen");
        }
        if (label.startsWith(ACE_PREFIX)) {
            // An A-label must decode and re-encode to itself (RFC 5890 §2.3.2.1); the JDK returns
            // the input unchanged when it cannot decode it.
            String decoded = IDN.toUnicode(label, 0);
            boolean roundTrips;
            try {
                roundTrips = !decoded.equals(label)
                        && IDN.toASCII(decoded, 0).toLowerCase(Locale.ROOT).equals(label);
            } catch (IllegalArgumentException notIdn) {
                roundTrips = false;
            }
            if (!roundTrips) {
                throw new IllegalArgumentException(
                        "the label \"" + label + "\" starts with xn-- but is not a valid A-label");
            }
        }
    }

    private static String describe(char c) {
        return c > ' ' && c < 0x7f ? "'" + c + "'" : String.format(Locale.ROOT, "U+%04X", (int) c);
    }
}
