package dev.steward.dnscheck.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A parsed RFC 7208 §7.1 {@code macro-string}, {@code domain-spec} or {@code explain-string}: literal
 * text and macros such as {@code %{ir}}, {@code %{l2r-}}, {@code %{D2}}, ready to expand.
 *
 * <p>Three flavours, told apart by {@link Kind}: a domain-spec (mechanism and {@code redirect=}/
 * {@code exp=} arguments) must end in a macro or a {@code "." toplabel}, and may not use the
 * letters {@code c r t}; an explain-string (the TXT record an {@code exp=} points at) may also hold
 * spaces and use {@code c r t}; the value of an unknown modifier is any macro-string.
 *
 * <p>Thread safety: immutable.
 */
public final class MacroString {

    /** Where the text came from, which decides the allowed syntax. */
    enum Kind {
        DOMAIN_SPEC, MODIFIER_VALUE, EXPLANATION
    }

    /** Supplies the value of a macro letter (lower case) during expansion. */
    @FunctionalInterface
    interface Values {
        String value(char letter);
    }

    /** One piece of the string. */
    sealed interface Part {}

    /** Literal text; {@code escape} marks {@code %%}, {@code %_} and {@code %-}, which count as macro-expands. */
    record Literal(String text, boolean escape) implements Part {}

    /** {@code %{ letter digits r delimiters }}; {@code keep} 0 means all parts. */
    record Macro(char letter, boolean urlEscape, int keep, boolean reverse, String delimiters) implements Part {}

    private static final String DOMAIN_LETTERS = "slodipvh";
    private static final String EXPLAIN_LETTERS = "slodipvhcrt";
    private static final String DELIMITERS = ".-+,/_=";

    private final String text;
    private final List<Part> parts;

    private MacroString(String text, List<Part> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    /** The text as written in the record. */
    public String text() {
        return text;
    }

    List<Part> parts() {
        return parts;
    }

    boolean hasMacros() {
        return parts.stream().anyMatch(p -> p instanceof Macro);
    }

    static Parsed<MacroString> parse(String text, Kind kind) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        String letters = kind == Kind.DOMAIN_SPEC ? DOMAIN_LETTERS : EXPLAIN_LETTERS;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                boolean visible = c >= 0x21 && c <= 0x7E;
                if (!visible && !(c == ' ' && kind == Kind.EXPLANATION)) {
                    return new Parsed.Bad<>("\"" + printable(text) + "\" contains " + describe(c)
                            + (c == ' ' ? "" : ", which is not allowed"));
                }
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                return new Parsed.Bad<>("\"" + printable(text) + "\" ends in a lone '%' (write %% for a percent sign)");
            }
            char next = text.charAt(i + 1);
            switch (next) {
                case '%', '_', '-' -> {
                    flush(literal, parts);
                    parts.add(new Literal(next == '%' ? "%" : next == '_' ? " " : "%20", true));
                    i += 2;
                    continue;
                }
                case '{' -> {
                    // handled below
                }
                default -> {
                    return new Parsed.Bad<>("\"" + printable(text) + "\" has '%' followed by '" + printable(String.valueOf(next))
                            + "'; a macro is %{...}, and %%, %_ and %- are the only other escapes (RFC 7208 §7.1)");
                }
            }
            int close = text.indexOf('}', i + 2);
            if (close < 0) {
                return new Parsed.Bad<>("\"" + printable(text) + "\" has a macro without its closing '}'");
            }
            String body = text.substring(i + 2, close);
            Parsed<Macro> macro = macro(body, letters, kind);
            if (macro instanceof Parsed.Bad<Macro> bad) {
                return new Parsed.Bad<>("\"" + printable(text) + "\": " + bad.reason());
            }
            flush(literal, parts);
            parts.add(((Parsed.Ok<Macro>) macro).value());
            i = close + 1;
        }
        flush(literal, parts);
        if (kind == Kind.DOMAIN_SPEC) {
            String problem = domainEndProblem(parts);
            if (problem != null) {
                return new Parsed.Bad<>("\"" + printable(text) + "\" " + problem);
            }
        }
        return new Parsed.Ok<>(new MacroString(text, parts));
    }

    private static Parsed<Macro> macro(String body, String letters, Kind kind) {
        if (body.isEmpty()) {
            return new Parsed.Bad<>("the macro %{} names no letter");
        }
        char raw = body.charAt(0);
        char letter = Character.toLowerCase(raw);
        if (raw > 0x7E || letters.indexOf(letter) < 0) {
            String allowed = kind == Kind.DOMAIN_SPEC
                    ? "s l o d i p v h (c, r and t only in explanation text)" : "s l o d i p v h c r t";
            return new Parsed.Bad<>("'%{" + printable(String.valueOf(raw)) + "' is not a macro letter; allowed: " + allowed);
        }
        int at = 1;
        int digitsStart = at;
        while (at < body.length() && body.charAt(at) >= '0' && body.charAt(at) <= '9') {
            at++;
        }
        int keep = 0;
        if (at > digitsStart) {
            String digits = body.substring(digitsStart, at).replaceFirst("^0+(?=.)", "");
            keep = digits.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(digits);
            if (keep == 0) {
                return new Parsed.Bad<>("the macro %{" + body + "} keeps 0 parts; the number must be nonzero (RFC 7208 §7.3)");
            }
        }
        boolean reverse = false;
        if (at < body.length() && (body.charAt(at) == 'r' || body.charAt(at) == 'R')) {
            reverse = true;
            at++;
        }
        String delimiters = body.substring(at);
        for (int j = 0; j < delimiters.length(); j++) {
            if (DELIMITERS.indexOf(delimiters.charAt(j)) < 0) {
                return new Parsed.Bad<>("the macro %{" + printable(body) + "} has '" + printable(String.valueOf(delimiters.charAt(j)))
                        + "' where a delimiter (one of " + DELIMITERS + ") or '}' belongs");
            }
        }
        return new Parsed.Ok<>(new Macro(letter, Character.isUpperCase(raw), keep, reverse, delimiters));
    }

    /** RFC 7208 §7.1: {@code domain-end = ( "." toplabel [ "." ] ) / macro-expand}; null when it is fine. */
    private static String domainEndProblem(List<Part> parts) {
        if (parts.isEmpty()) {
            return "is empty; a domain name is required";
        }
        Part last = parts.getLast();
        if (last instanceof Macro || last instanceof Literal(String ignored, boolean escape) && escape) {
            return null;
        }
        String tail = ((Literal) last).text();
        if (tail.endsWith(".")) {
            tail = tail.substring(0, tail.length() - 1);
        }
        int dot = tail.lastIndexOf('.');
        if (dot < 0) {
            return "is not a domain name: it needs at least one dot followed by a top-level label (or must end in a macro)";
        }
        String top = tail.substring(dot + 1);
        if (!isTopLabel(top)) {
            return "does not end in a valid top-level label (\"" + printable(top)
                    + "\": letters, digits and inner hyphens, not all digits; RFC 7208 §7.1)";
        }
        return null;
    }

    /** {@code toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )}. */
    static boolean isTopLabel(String label) {
        if (label.isEmpty()) {
            return false;
        }
        boolean letter = false;
        boolean hyphen = false;
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                letter = true;
            } else if (c == '-') {
                hyphen = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        if (hyphen) {
            return label.charAt(0) != '-' && label.charAt(label.length() - 1) != '-';
        }
        return letter;
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString(), false));
            literal.setLength(0);
        }
    }

    /** The expanded text (RFC 7208 §7.3): transformers, delimiters, and URL escaping for upper-case letters. */
    String expand(Values values) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Literal literal -> out.append(literal.text());
                case Macro macro -> out.append(expand(macro, values.value(macro.letter())));
            }
        }
        return out.toString();
    }

    static String expand(Macro macro, String value) {
        String delimiters = macro.delimiters().isEmpty() ? "." : macro.delimiters();
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                pieces.add(value.substring(start, i));
                start = i + 1;
            }
        }
        pieces.add(value.substring(start));
        if (macro.reverse()) {
            Collections.reverse(pieces);
        }
        if (macro.keep() > 0 && macro.keep() < pieces.size()) {
            pieces = pieces.subList(pieces.size() - macro.keep(), pieces.size());
        }
        String joined = String.join(".", pieces);
        return macro.urlEscape() ? urlEscape(joined) : joined;
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters, upper-case hex. */
    static String urlEscape(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean unreserved = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~';
            if (unreserved) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }

    /** The text with control and non-ASCII characters shown as {@code \x0D}, {@code \u00EF}, for messages. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c <= 0x7E) {
                out.append(c);
            } else if (c < 0x100) {
                out.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
            } else {
                out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            }
        }
        return out.toString();
    }

    private static String describe(char c) {
        if (c == ' ') {
            return "a space";
        }
        if (c < 0x20 || c == 0x7F) {
            return String.format(Locale.ROOT, "the control character \\x%02X", (int) c);
        }
        return String.format(Locale.ROOT, "the non-ASCII character U+%04X", (int) c);
    }

    @Override
    public String toString() {
        return text;
    }
}
