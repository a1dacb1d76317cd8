package dev.steward.dnscheck.spf;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code v=spf1} record (RFC 7208 §4.5, §4.6, §12): its terms in the order written, each
 * with its original text. {@link #parse} checks the whole record before anything is evaluated, as
 * §4.6 requires, and reports a syntax error as an {@link Invalid} value carrying the reason (which
 * check_host() turns into {@code permerror}); it never throws for bad input.
 *
 * <pre>{@code
 * switch (SpfRecord.parse("v=spf1 a mx include:_spf.example.net ~all")) {
 *     case SpfRecord.Valid(SpfRecord record) -> record.terms(); // a, mx, include:..., ~all
 *     case SpfRecord.Invalid(String text, String reason) -> ...
 * }
 * }</pre>
 *
 * <p>Thread safety: immutable.
 */
public final class SpfRecord {

    /** What {@link #parse} made of a record text. */
    public sealed interface ParseResult {}

    /** The text is a valid SPF record. */
    public record Valid(SpfRecord record) implements ParseResult {}

    /** The text starts like an SPF record but breaks the grammar; {@code reason} says where, in plain words. */
    public record Invalid(String text, String reason) implements ParseResult {}

    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9._-]*)=(.*)", Pattern.DOTALL);
    private static final Pattern MECHANISM_NAME = Pattern.compile("[A-Za-z0-9]*");
    /** A domain-spec followed by an optional dual-cidr-length; the reluctant group finds the earliest split. */
    private static final Pattern DOMAIN_AND_CIDR = Pattern.compile("(.*?)((?:/[0-9]+)?(?://[0-9]+)?)", Pattern.DOTALL);
    private static final Pattern DUAL_CIDR = Pattern.compile("(?:/([0-9]+))?(?://([0-9]+))?");

    private final String text;
    private final List<SpfTerm> terms;

    private SpfRecord(String text, List<SpfTerm> terms) {
        this.text = text;
        this.terms = List.copyOf(terms);
    }

    /** The record text as published (one TXT record, its strings joined). */
    public String text() {
        return text;
    }

    /** Every term after {@code v=spf1}, in order. */
    public List<SpfTerm> terms() {
        return terms;
    }

    /** The directives, in order. */
    public List<SpfTerm.Directive> directives() {
        List<SpfTerm.Directive> out = new ArrayList<>();
        for (SpfTerm term : terms) {
            if (term instanceof SpfTerm.Directive directive) {
                out.add(directive);
            }
        }
        return out;
    }

    /** The {@code redirect=} modifier, if any (at most one: more is a syntax error). */
    public Optional<SpfTerm.Modifier> redirect() {
        return modifier("redirect");
    }

    /** The {@code exp=} modifier, if any (at most one). */
    public Optional<SpfTerm.Modifier> explanation() {
        return modifier("exp");
    }

    private Optional<SpfTerm.Modifier> modifier(String name) {
        for (SpfTerm term : terms) {
            if (term instanceof SpfTerm.Modifier modifier && modifier.name().equals(name)) {
                return Optional.of(modifier);
            }
        }
        return Optional.empty();
    }

    /**
     * True when {@code text} is an SPF version 1 record: it starts with {@code v=spf1} (any case)
     * followed by a space or the end (RFC 7208 §4.5). Other TXT records are not SPF's business.
     */
    public static boolean isSpf1(String text) {
        if (text == null || text.length() < 6 || !text.regionMatches(true, 0, "v=spf1", 0, 6)) {
            return false;
        }
        return text.length() == 6 || text.charAt(6) == ' ';
    }

    /** Parses one record; never throws. A text that is not {@link #isSpf1} is {@link Invalid}. */
    public static ParseResult parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!isSpf1(text)) {
            return new Invalid(text, "the record does not start with \"v=spf1\" followed by a space");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return new Invalid(text, "the record contains " + (c > 0x7E
                        ? String.format(Locale.ROOT, "the non-ASCII character U+%04X", (int) c)
                        : String.format(Locale.ROOT, "the control character \\x%02X", (int) c))
                        + " at position " + (i + 1) + "; SPF records are printable ASCII, terms separated by spaces only");
            }
        }
        List<SpfTerm> terms = new ArrayList<>();
        boolean redirect = false;
        boolean exp = false;
        for (String piece : text.substring(6).split(" ")) {
            if (piece.isEmpty()) {
                continue; // terms are separated by one or more spaces; trailing spaces are allowed
            }
            Parsed<SpfTerm> term = term(piece);
            if (term instanceof Parsed.Bad<SpfTerm> bad) {
                return new Invalid(text, bad.reason());
            }
            SpfTerm parsed = ((Parsed.Ok<SpfTerm>) term).value();
            if (parsed instanceof SpfTerm.Modifier modifier) {
                if (modifier.isRedirect() && redirect || modifier.isExplanation() && exp) {
                    return new Invalid(text, "the modifier " + modifier.name()
                            + "= appears more than once; it may appear at most once (RFC 7208 §6)");
                }
                redirect |= modifier.isRedirect();
                exp |= modifier.isExplanation();
            }
            terms.add(parsed);
        }
        return new Valid(new SpfRecord(text, terms));
    }

    private static Parsed<SpfTerm> term(String text) {
        Matcher modifier = MODIFIER.matcher(text);
        if (modifier.matches()) {
            String name = modifier.group(1).toLowerCase(Locale.ROOT);
            String value = modifier.group(2);
            boolean known = name.equals("redirect") || name.equals("exp");
            Parsed<MacroString> parsed = MacroString.parse(value,
                    known ? MacroString.Kind.DOMAIN_SPEC : MacroString.Kind.MODIFIER_VALUE);
            if (parsed instanceof Parsed.Bad<MacroString> bad) {
                return new Parsed.Bad<>("in \"" + text + "\": " + (value.isEmpty() && known
                        ? name + "= needs a domain name" : bad.reason()));
            }
            return new Parsed.Ok<>(new SpfTerm.Modifier(name, ((Parsed.Ok<MacroString>) parsed).value(), text));
        }
        Qualifier qualifier = Qualifier.of(text.charAt(0));
        String body = qualifier == null ? text : text.substring(1);
        Matcher nameMatch = MECHANISM_NAME.matcher(body);
        nameMatch.lookingAt();
        String name = nameMatch.group().toLowerCase(Locale.ROOT);
        String rest = body.substring(nameMatch.end());
        Parsed<Mechanism> mechanism = mechanism(name, rest);
        if (mechanism instanceof Parsed.Bad<Mechanism> bad) {
            return new Parsed.Bad<>("in \"" + text + "\": " + bad.reason());
        }
        return new Parsed.Ok<>(new SpfTerm.Directive(qualifier == null ? Qualifier.PASS : qualifier,
                ((Parsed.Ok<Mechanism>) mechanism).value(), text));
    }

    private static Parsed<Mechanism> mechanism(String name, String rest) {
        switch (name) {
            case "all" -> {
                return rest.isEmpty() ? new Parsed.Ok<>(new Mechanism.All())
                        : new Parsed.Bad<>("\"all\" takes no argument");
            }
            case "include", "exists" -> {
                if (!rest.startsWith(":")) {
                    return new Parsed.Bad<>("\"" + name + "\" needs \":\" and a domain name");
                }
                Parsed<MacroString> spec = domainSpec(rest.substring(1));
                if (spec instanceof Parsed.Bad<MacroString> bad) {
                    return new Parsed.Bad<>(bad.reason());
                }
                MacroString domain = ((Parsed.Ok<MacroString>) spec).value();
                return new Parsed.Ok<>(name.equals("include") ? new Mechanism.Include(domain) : new Mechanism.Exists(domain));
            }
            case "ptr" -> {
                if (rest.isEmpty()) {
                    return new Parsed.Ok<>(new Mechanism.Ptr(null));
                }
                if (!rest.startsWith(":")) {
                    return new Parsed.Bad<>("\"ptr\" takes only \":\" and a domain name, no prefix length");
                }
                Parsed<MacroString> spec = domainSpec(rest.substring(1));
                if (spec instanceof Parsed.Bad<MacroString> bad) {
                    return new Parsed.Bad<>(bad.reason());
                }
                return new Parsed.Ok<>(new Mechanism.Ptr(((Parsed.Ok<MacroString>) spec).value()));
            }
            case "a", "mx" -> {
                return addressMechanism(name, rest);
            }
            case "ip4", "ip6" -> {
                return network(name, rest);
            }
            default -> {
                return new Parsed.Bad<>(name.isEmpty() ? "this is not a mechanism or a modifier"
                        : "\"" + name + "\" is not a mechanism (all, include, a, mx, ptr, ip4, ip6, exists)"
                        + (rest.startsWith(":") && (name.equals("redirect") || name.equals("exp"))
                                ? "; the modifier is written " + name + "=" : ""));
            }
        }
    }

    private static Parsed<Mechanism> addressMechanism(String name, String rest) {
        MacroString domain = null;
        String cidrs = rest;
        if (rest.startsWith(":")) {
            Matcher split = DOMAIN_AND_CIDR.matcher(rest.substring(1));
            if (!split.matches()) {
                return new Parsed.Bad<>("cannot read the argument of \"" + name + "\"");
            }
            Parsed<MacroString> spec = domainSpec(split.group(1));
            if (spec instanceof Parsed.Bad<MacroString> bad) {
                return new Parsed.Bad<>(bad.reason());
            }
            domain = ((Parsed.Ok<MacroString>) spec).value();
            cidrs = split.group(2);
        }
        Matcher dual = DUAL_CIDR.matcher(cidrs);
        if (!dual.matches()) {
            return new Parsed.Bad<>("\"" + cidrs + "\" is not a prefix length; write /N for IPv4, //N for IPv6, or /N//M");
        }
        int cidr4 = 32;
        int cidr6 = 128;
        if (dual.group(1) != null) {
            cidr4 = cidr(dual.group(1), 32);
            if (cidr4 < 0) {
                return new Parsed.Bad<>("/" + dual.group(1) + " is not an IPv4 prefix length (0 to 32, no leading zeros)");
            }
        }
        if (dual.group(2) != null) {
            cidr6 = cidr(dual.group(2), 128);
            if (cidr6 < 0) {
                return new Parsed.Bad<>("//" + dual.group(2) + " is not an IPv6 prefix length (0 to 128, no leading zeros)");
            }
        }
        return new Parsed.Ok<>(name.equals("a") ? new Mechanism.A(domain, cidr4, cidr6) : new Mechanism.Mx(domain, cidr4, cidr6));
    }

    private static Parsed<Mechanism> network(String name, String rest) {
        boolean v4 = name.equals("ip4");
        if (!rest.startsWith(":") || rest.length() == 1) {
            return new Parsed.Bad<>("\"" + name + "\" needs \":\" and an " + (v4 ? "IPv4" : "IPv6") + " address");
        }
        String argument = rest.substring(1);
        int slash = argument.indexOf('/');
        String address = slash < 0 ? argument : argument.substring(0, slash);
        byte[] network = v4 ? IpAddresses.parseIpv4(address) : IpAddresses.parseIpv6(address);
        if (network == null) {
            return new Parsed.Bad<>("\"" + address + "\" is not " + (v4
                    ? "an IPv4 address (four numbers 0-255 without leading zeros, e.g. 192.0.2.1)"
                    : "an IPv6 address (e.g. 2001:db8::1)"));
        }
        int max = v4 ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            String digits = argument.substring(slash + 1);
            prefix = digits.matches("[0-9]+") ? cidr(digits, max) : -1;
            if (prefix < 0) {
                return new Parsed.Bad<>("\"" + argument.substring(slash) + "\" is not a prefix length (/0 to /" + max
                        + ", no leading zeros)");
            }
        }
        InetAddress written = IpAddresses.exactly(network);
        return new Parsed.Ok<>(v4 ? new Mechanism.Ip4(written, prefix) : new Mechanism.Ip6(written, prefix));
    }

    /** RFC 7208 §12 {@code ip4-cidr-length} / {@code ip6-cidr-length}: no leading zeros, at most {@code max}; -1 if not. */
    private static int cidr(String digits, int max) {
        if (digits.length() > 3 || digits.length() > 1 && digits.charAt(0) == '0') {
            return -1;
        }
        int value = Integer.parseInt(digits);
        return value <= max ? value : -1;
    }

    private static Parsed<MacroString> domainSpec(String text) {
        if (text.isEmpty()) {
            return new Parsed.Bad<>("the domain name after \":\" is empty");
        }
        return MacroString.parse(text, MacroString.Kind.DOMAIN_SPEC);
    }

    @Override
    public String toString() {
        return text;
    }
}
