package dev.steward.smtp.wire;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Splits command lines into verb and argument, and parses the path and ESMTP parameters of
 * MAIL FROM and RCPT TO (RFC 5321 §4.1.1.2, §4.1.1.3, §4.1.2; RFC 6531 for UTF-8).
 *
 * <p>Deliberately lenient where real clients deviate and harmless: a space after the colon
 * ({@code MAIL FROM: <a@b>}), several spaces between parameters, trailing spaces. Strict where
 * ambiguity could be abused: angle brackets are required, anything after {@code >} must be
 * {@code KEY[=VALUE]} parameters, and a parameter may appear once. Verbs and keywords are matched
 * in ASCII only, so no Unicode case folding can turn another word into a verb.
 *
 * <p>Syntax only: whether a mailbox, a parameter or its value is acceptable is the server's
 * decision (for example {@code 555 5.5.4} for an unknown parameter).
 *
 * <p>Thread safety: stateless, thread-safe.
 */
public final class CommandParser {

    private static final Map<String, SmtpCommand.Verb> VERBS = new HashMap<>();

    static {
        for (SmtpCommand.Verb verb : EnumSet.complementOf(EnumSet.of(SmtpCommand.Verb.UNKNOWN))) {
            VERBS.put(verb.name(), verb);
        }
    }

    private CommandParser() {
    }

    /** Splits a command line (as returned by {@link SmtpInput#readCommandLine}) at the first blank. */
    public static SmtpCommand parse(String line) {
        Objects.requireNonNull(line, "line");
        int verbEnd = 0;
        while (verbEnd < line.length() && !isBlank(line.charAt(verbEnd))) {
            verbEnd++;
        }
        int argumentStart = verbEnd;
        while (argumentStart < line.length() && isBlank(line.charAt(argumentStart))) {
            argumentStart++;
        }
        int argumentEnd = line.length();
        while (argumentEnd > argumentStart && isBlank(line.charAt(argumentEnd - 1))) {
            argumentEnd--;
        }
        String word = asciiUpperCase(line.substring(0, verbEnd));
        SmtpCommand.Verb verb = word == null ? SmtpCommand.Verb.UNKNOWN
                : VERBS.getOrDefault(word, SmtpCommand.Verb.UNKNOWN);
        return new SmtpCommand(verb, line.substring(argumentStart, argumentEnd));
    }

    /**
     * Parses {@code FROM:<path> [params]} or {@code TO:<path> [params]}.
     *
     * @param argument        the {@link SmtpCommand#argument()} of MAIL or RCPT
     * @param expectedKeyword {@code "FROM"} or {@code "TO"}; only FROM allows the null path {@code <>}
     * @throws CommandSyntaxException with a reason for a {@code 501 5.5.4} reply
     */
    public static PathCommand parsePath(String argument, String expectedKeyword) throws CommandSyntaxException {
        Objects.requireNonNull(argument, "argument");
        if (!"FROM".equals(expectedKeyword) && !"TO".equals(expectedKeyword)) {
            throw new IllegalArgumentException("expectedKeyword must be FROM or TO, was " + expectedKeyword);
        }
        return new PathParser(argument, expectedKeyword).parse();
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** Upper-cases ASCII letters; null if the word holds anything but ASCII letters and digits. */
    private static String asciiUpperCase(String word) {
        char[] chars = new char[word.length()];
        for (int i = 0; i < chars.length; i++) {
            char c = word.charAt(i);
            if (c >= 'a' && c <= 'z') {
                chars[i] = (char) (c - 'a' + 'A');
            } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                chars[i] = c;
            } else {
                return null;
            }
        }
        return new String(chars);
    }

    /** A cursor over one MAIL/RCPT argument. Single-threaded, one per parse. */
    private static final class PathParser {

        private final String text;
        private final String keyword;
        private int at;            // index of the next character to read

        PathParser(String text, String keyword) {
            this.text = text;
            this.keyword = keyword;
        }

        PathCommand parse() throws CommandSyntaxException {
            String head = text.length() > keyword.length() ? text.substring(0, keyword.length()) : "";
            if (!keyword.equals(asciiUpperCase(head)) || text.charAt(keyword.length()) != ':') {
                throw new CommandSyntaxException("Syntax: " + ("FROM".equals(keyword)
                        ? "MAIL FROM:<address>" : "RCPT TO:<address>"));
            }
            at = keyword.length() + 1;
            while (peek() == ' ') {
                at++;   // "MAIL FROM: <a@b>" is common in the wild and unambiguous
            }
            if (atEnd()) {
                throw new CommandSyntaxException("missing address");
            }
            if (!consume('<')) {
                throw new CommandSyntaxException("address must be enclosed in <>");
            }
            String path;
            if (consume('>')) {
                if ("TO".equals(keyword)) {
                    throw new CommandSyntaxException("empty recipient address");
                }
                path = "";
            } else {
                if (peek() == '@') {
                    skipSourceRoute();
                }
                path = mailbox();
                if (!consume('>')) {
                    throw new CommandSyntaxException(atEnd() ? "missing > after address" : "invalid character in address");
                }
            }
            return new PathCommand(path, parameters());
        }

        /** RFC 5321 §4.1.1.3 / Appendix C: {@code @one,@two:} is read and ignored. */
        private void skipSourceRoute() throws CommandSyntaxException {
            do {
                if (!consume('@')) {
                    throw new CommandSyntaxException("bad source route");
                }
                domain("bad source route");
            } while (consume(','));
            if (!consume(':')) {
                throw new CommandSyntaxException("bad source route");
            }
        }

        private String mailbox() throws CommandSyntaxException {
            int start = at;
            if (peek() == '"') {
                quotedString();
            } else {
                while (!atEnd() && peek() != '@' && peek() != '>') {
                    if (!isAtext(peek()) && peek() != '.') {
                        throw new CommandSyntaxException("invalid character in address");
                    }
                    at++;
                }
            }
            if (at == start) {
                throw new CommandSyntaxException(atEnd() ? "missing > after address" : "empty local part in address");
            }
            if (consume('@')) {
                domain("missing domain after @");
            }
            return text.substring(start, at);
        }

        /** RFC 5321 §4.1.2 Quoted-string: may hold spaces and {@code >}; backslash quotes one character. */
        private void quotedString() throws CommandSyntaxException {
            at++;
            while (!atEnd()) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return;
                }
                if (c == '\\') {
                    if (atEnd()) {
                        break;
                    }
                    c = text.charAt(at++);
                }
                if (c < ' ' || c == 0x7f) {
                    throw new CommandSyntaxException("invalid character in address");
                }
            }
            throw new CommandSyntaxException("unterminated quoted local part");
        }

        /** A domain name or an address literal {@code [...]}, at least one character. */
        private void domain(String emptyReason) throws CommandSyntaxException {
            int start = at;
            if (consume('[')) {
                while (!atEnd() && peek() != ']') {
                    char c = peek();
                    if (c < '!' || c == '[' || c == '\\' || c > '~') {
                        throw new CommandSyntaxException("invalid address literal");
                    }
                    at++;
                }
                if (!consume(']') || at == start + 2) {
                    throw new CommandSyntaxException("invalid address literal");
                }
                return;
            }
            while (!atEnd() && isDomainChar(peek())) {
                at++;
            }
            if (at == start) {
                throw new CommandSyntaxException(emptyReason);
            }
        }

        /** RFC 5321 §4.1.2: {@code *( SP esmtp-param )}, esmtp-param = esmtp-keyword ["=" esmtp-value]. */
        private Map<String, String> parameters() throws CommandSyntaxException {
            Map<String, String> parameters = new LinkedHashMap<>();
            if (atEnd()) {
                return parameters;
            }
            if (peek() != ' ') {
                throw new CommandSyntaxException("unexpected text after address");
            }
            while (true) {
                while (peek() == ' ') {
                    at++;
                }
                if (atEnd()) {
                    return parameters;
                }
                int keywordStart = at;
                while (!atEnd() && (isAsciiLetterOrDigit(peek()) || (peek() == '-' && at > keywordStart))) {
                    at++;
                }
                if (at == keywordStart || (!atEnd() && peek() != ' ' && peek() != '=')) {
                    throw new CommandSyntaxException("invalid parameter syntax");
                }
                // ASCII letters, digits and "-" only, so Locale.ROOT upper-casing is exact.
                String name = text.substring(keywordStart, at).toUpperCase(Locale.ROOT);
                String value = null;
                if (consume('=')) {
                    int valueStart = at;
                    while (!atEnd() && isValueChar(peek())) {
                        at++;
                    }
                    if (at == valueStart || (!atEnd() && peek() != ' ')) {
                        throw new CommandSyntaxException("invalid value for parameter " + name);
                    }
                    value = text.substring(valueStart, at);
                }
                if (parameters.containsKey(name)) {
                    throw new CommandSyntaxException("duplicate parameter " + name);
                }
                parameters.put(name, value);
            }
        }

        private boolean atEnd() {
            return at >= text.length();
        }

        private char peek() {
            return atEnd() ? '\0' : text.charAt(at);
        }

        private boolean consume(char expected) {
            if (peek() == expected && !atEnd()) {
                at++;
                return true;
            }
            return false;
        }

        private static boolean isAsciiLetterOrDigit(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }

        /** Non-ASCII as RFC 6531 allows it, except the C1 controls U+0080..U+009F. */
        private static boolean isNonAscii(char c) {
            return c >= 0xa0;
        }

        /** RFC 5322 atext, plus non-ASCII (RFC 6531 UTF-8 local parts). */
        private static boolean isAtext(char c) {
            return isAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || isNonAscii(c);
        }

        private static boolean isDomainChar(char c) {
            return isAsciiLetterOrDigit(c) || c == '-' || c == '.' || isNonAscii(c);
        }

        /** RFC 5321 esmtp-value: %d33-60 / %d62-126, plus UTF-8 (RFC 6531). */
        private static boolean isValueChar(char c) {
            return (c >= '!' && c <= '~' && c != '=') || isNonAscii(c);
        }
    }
}
