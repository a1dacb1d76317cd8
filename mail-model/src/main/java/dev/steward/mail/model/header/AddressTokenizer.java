package dev.steward.mail.model.header;

import dev.steward.mail.model.header.AddressToken.Kind;
import dev.steward.mail.model.internal.MailText;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an address header value into {@link AddressToken}s (RFC 5322 §3.2.1–§3.2.5), dropping
 * CFWS. Comments nest and may contain quoted-pairs; quoted strings may contain folding whitespace
 * and quoted-pairs (including the obsolete ones of §4.1); UTF-8 is allowed in atoms, quoted
 * strings and comments (RFC 6532 §3.2).
 *
 * <p>Thread safety: single-threaded; one instance per value.
 */
final class AddressTokenizer {

    /** RFC 5322 §3.2.3 specials that stand alone as tokens here. */
    private static final String SPECIALS = "<>@,;:.";

    private final String value;
    private int index; // next character to read

    private AddressTokenizer(String value) {
        this.value = value;
    }

    /** The tokens of {@code value}, ending with one {@link Kind#END} token. */
    static List<AddressToken> tokenize(String value) throws AddressParseException {
        return new AddressTokenizer(value).run();
    }

    private List<AddressToken> run() throws AddressParseException {
        List<AddressToken> tokens = new ArrayList<>();
        while (true) {
            skipCfws();
            if (index >= value.length()) {
                tokens.add(new AddressToken(Kind.END, "", "", index));
                return tokens;
            }
            int start = index;
            int codePoint = value.codePointAt(index);
            if (codePoint == '"') {
                tokens.add(quotedString(start));
            } else if (codePoint == '[') {
                tokens.add(domainLiteral(start));
            } else if (codePoint < 0x80 && SPECIALS.indexOf(codePoint) >= 0) {
                index++;
                String special = String.valueOf((char) codePoint);
                tokens.add(new AddressToken(Kind.SPECIAL, special, special, start));
            } else if (MailText.isAtext(codePoint)) {
                while (index < value.length() && MailText.isAtext(value.codePointAt(index))) {
                    index += Character.charCount(value.codePointAt(index));
                }
                String atom = value.substring(start, index);
                tokens.add(new AddressToken(Kind.ATOM, atom, atom, start));
            } else if (codePoint == ')') {
                throw new AddressParseException("a ')' closes a comment that was never opened", start);
            } else {
                throw new AddressParseException(MailText.describe(codePoint) + " is not allowed here", start);
            }
        }
    }

    /** Skips whitespace (including folds and the CRLF of an unfolded value) and nested comments. */
    private void skipCfws() throws AddressParseException {
        while (index < value.length()) {
            char c = value.charAt(index);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                index++;
            } else if (c == '(') {
                skipComment();
            } else {
                return;
            }
        }
    }

    private void skipComment() throws AddressParseException {
        int start = index;
        int depth = 0; // nesting level of comments, RFC 5322 §3.2.2 ccontent may be a comment
        while (index < value.length()) {
            int codePoint = value.codePointAt(index);
            if (codePoint == '\\') {
                index = afterQuotedPair(index, start);
                continue;
            }
            if (codePoint != '\r' && codePoint != '\n') { // folds are FWS inside comments too
                checkNotControl(codePoint);
            }
            index += Character.charCount(codePoint);
            if (codePoint == '(') {
                depth++;
            } else if (codePoint == ')' && --depth == 0) {
                return;
            }
        }
        throw new AddressParseException("a comment '(' is never closed", start);
    }

    private AddressToken quotedString(int start) throws AddressParseException {
        StringBuilder content = new StringBuilder();
        index++; // opening quote
        while (index < value.length()) {
            int codePoint = value.codePointAt(index);
            if (codePoint == '"') {
                index++;
                return new AddressToken(Kind.QUOTED_STRING, value.substring(start, index), content.toString(), start);
            }
            if (codePoint == '\\') {
                int next = afterQuotedPair(index, start);
                content.append(value, index + 1, next);
                index = next;
                continue;
            }
            if (codePoint == '\r' || codePoint == '\n') {
                // RFC 5322 §3.2.4: a fold inside a quoted string is removed by unfolding.
                index++;
                continue;
            }
            checkNotControl(codePoint);
            content.appendCodePoint(codePoint);
            index += Character.charCount(codePoint);
        }
        throw new AddressParseException("a quoted string is never closed", start);
    }

    private AddressToken domainLiteral(int start) throws AddressParseException {
        index++; // opening bracket
        while (index < value.length()) {
            int codePoint = value.codePointAt(index);
            if (codePoint == ']') {
                index++;
                String literal = value.substring(start, index);
                return new AddressToken(Kind.DOMAIN_LITERAL, literal, literal, start);
            }
            if (codePoint == '[') {
                throw new AddressParseException("a '[' inside a domain literal", index);
            }
            if (codePoint == '\\') {
                index = afterQuotedPair(index, start); // obs-dtext, RFC 5322 §4.4
                continue;
            }
            checkNotControl(codePoint);
            index += Character.charCount(codePoint);
        }
        throw new AddressParseException("a domain literal '[' is never closed", start);
    }

    /** The index after the quoted-pair at {@code backslash} (RFC 5322 §3.2.1, obs-qp §4.1). */
    private int afterQuotedPair(int backslash, int constructStart) throws AddressParseException {
        if (backslash + 1 >= value.length()) {
            throw new AddressParseException("a backslash at the end of the value escapes nothing", constructStart);
        }
        int escaped = value.codePointAt(backslash + 1);
        if (escaped == '\r' || escaped == '\n') {
            throw new AddressParseException("a backslash escapes a line break", backslash);
        }
        return backslash + 1 + Character.charCount(escaped);
    }

    private void checkNotControl(int codePoint) throws AddressParseException {
        boolean allowed = codePoint == '\t' || (codePoint >= ' ' && codePoint <= '~')
                || MailText.isUtf8NonAscii(codePoint);
        if (!allowed) {
            throw new AddressParseException(MailText.describe(codePoint) + " is not allowed here", index);
        }
    }
}
