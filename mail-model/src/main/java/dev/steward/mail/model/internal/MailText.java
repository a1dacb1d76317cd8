package dev.steward.mail.model.internal;

import java.util.Locale;

/**
 * Character classes of RFC 5322 §3.2.3 with the UTF-8 extension of RFC 6532 §3.2, shared by the
 * address and header parsers.
 *
 * <p>Thread safety: stateless.
 */
public final class MailText {

    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    private MailText() {
    }

    /** RFC 5322 atext, extended with non-ASCII characters by RFC 6532 §3.2. */
    public static boolean isAtext(int codePoint) {
        return (codePoint >= 'a' && codePoint <= 'z')
                || (codePoint >= 'A' && codePoint <= 'Z')
                || (codePoint >= '0' && codePoint <= '9')
                || (codePoint < 0x80 && ATEXT_SPECIALS.indexOf(codePoint) >= 0)
                || isUtf8NonAscii(codePoint);
    }

    /**
     * A non-ASCII character that may appear in an address or header (RFC 6532 UTF8-non-ascii).
     * C1 controls and lone surrogates (which are not valid UTF-8) are excluded.
     */
    public static boolean isUtf8NonAscii(int codePoint) {
        return codePoint >= 0xa0
                && !(codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)
                && Character.isValidCodePoint(codePoint);
    }

    /** A character in words, for error reasons: {@code 'x'} when printable ASCII, else {@code U+0000}. */
    public static String describe(int codePoint) {
        if (codePoint == ' ') {
            return "a space";
        }
        if (codePoint > ' ' && codePoint < 0x7f) {
            return "'" + (char) codePoint + "'";
        }
        return String.format(Locale.ROOT, "U+%04X", codePoint);
    }
}
