package dev.steward.dnscheck.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 7208 §7.4's macro expansion examples, and the §7.1 syntax rules. */
class MacroStringTest {

    private static final InetAddress V4 = IpAddresses.byAddress(IpAddresses.parseIpv4("192.0.2.3"));
    private static final InetAddress V6 = IpAddresses.byAddress(IpAddresses.parseIpv6("2001:db8::cb01"));

    /** The §7.4 context: sender strong-bad@email.example.com, PTR name mx.example.org. */
    private static MacroString.Values values(InetAddress ip) {
        return letter -> switch (letter) {
            case 's' -> "strong-bad@email.example.com";
            case 'l' -> "strong-bad";
            case 'o', 'd' -> "email.example.com";
            case 'i' -> IpAddresses.macroForm(ip);
            case 'p' -> "mx.example.org";
            case 'v' -> ip.getAddress().length == 4 ? "in-addr" : "ip6";
            case 'h' -> "mx.example.org";
            case 'c' -> IpAddresses.format(ip);
            default -> throw new AssertionError(letter);
        };
    }

    private static String expand(String text, MacroString.Kind kind, InetAddress ip) {
        Parsed<MacroString> parsed = MacroString.parse(text, kind);
        assertThat(parsed).as(text).isInstanceOf(Parsed.Ok.class);
        return ((Parsed.Ok<MacroString>) parsed).value().expand(values(ip));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "%{s}   | strong-bad@email.example.com",
        "%{o}   | email.example.com",
        "%{d}   | email.example.com",
        "%{d4}  | email.example.com",
        "%{d3}  | email.example.com",
        "%{d2}  | example.com",
        "%{d1}  | com",
        "%{dr}  | com.example.email",
        "%{d2r} | example.email",
        "%{l}   | strong-bad",
        "%{l-}  | strong.bad",
        "%{lr}  | strong-bad",
        "%{lr-} | bad.strong",
        "%{l1r-}| strong",
    })
    void section74SingleMacros(String macro, String expansion) {
        assertThat(expand(macro, MacroString.Kind.MODIFIER_VALUE, V4)).isEqualTo(expansion);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "%{ir}.%{v}._spf.%{d2}             | 3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2}              | bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}   | bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}  | 3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net | example.com.trusted-domains.example.net",
    })
    void section74DomainSpecs(String spec, String expansion) {
        assertThat(expand(spec, MacroString.Kind.DOMAIN_SPEC, V4)).isEqualTo(expansion);
    }

    @Test
    void section74Ipv6IsDottedNibbles() {
        // RFC 7208 prints the nibbles in lower case; we give upper case, as the OpenSPF suite expects
        // in explanations (v-macro-ip6). DNS names compare case-insensitively.
        assertThat(expand("%{ir}.%{v}._spf.%{d2}", MacroString.Kind.DOMAIN_SPEC, V6))
                .isEqualToIgnoringCase("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
    }

    @Test
    void upperCaseLettersAreUrlEscapedAndEscapesExpand() {
        assertThat(expand("%{L}", MacroString.Kind.MODIFIER_VALUE, V4)).isEqualTo("strong-bad");
        assertThat(MacroString.urlEscape("~jack&jill=up")).isEqualTo("~jack%26jill%3Dup");
        assertThat(expand("a%%b%_c%-d.example.com", MacroString.Kind.DOMAIN_SPEC, V4)).isEqualTo("a%b c%20d.example.com");
        assertThat(expand("%{c} is %{i}", MacroString.Kind.EXPLANATION, V6))
                .isEqualTo("2001:db8::cb01 is 2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "%(ir).sbl.example.com      | '%' followed by '('",
        "foo%.sbl.example.com       | '%' followed by '.'",
        "foo.example.com%           | lone '%'",
        "%{a}.example.com           | not a macro letter",
        "%{r}.example.com           | not a macro letter",
        "%{d0}.example.com          | nonzero",
        "%{d2x}.example.com         | delimiter",
        "%{d.example.com            | closing '}'",
        "foo-bar                    | at least one dot",
        "example.123                | top-level label",
        "example.-com               | top-level label",
        "museum.                    | at least one dot",
    })
    void domainSpecSyntaxErrors(String spec, String reasonPart) {
        assertThat(MacroString.parse(spec, MacroString.Kind.DOMAIN_SPEC))
                .isInstanceOfSatisfying(Parsed.Bad.class, bad -> assertThat(bad.reason()).contains(reasonPart));
    }

    @Test
    void explanationTextMayHoldSpacesAndCrt() {
        assertThat(MacroString.parse("Mail from %{c} refused by %{r} at %{t}", MacroString.Kind.EXPLANATION))
                .isInstanceOf(Parsed.Ok.class);
        assertThat(MacroString.parse("a b", MacroString.Kind.MODIFIER_VALUE)).isInstanceOf(Parsed.Bad.class);
        assertThat(MacroString.parse("caf\u00e9", MacroString.Kind.EXPLANATION)).isInstanceOf(Parsed.Bad.class);
    }

    @Test
    void rfc5952Formatting() {
        assertThat(IpAddresses.format(IpAddresses.byAddress(IpAddresses.parseIpv6("2001:DB8:0:0:1:0:0:1")))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpAddresses.format(IpAddresses.byAddress(IpAddresses.parseIpv6("2001:db8:0:1:1:1:1:1")))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(IpAddresses.format(IpAddresses.byAddress(IpAddresses.parseIpv6("::")))).isEqualTo("::");
        assertThat(IpAddresses.parseIpv6("::ffff:1.2.3.4")).isNotNull();
        assertThat(IpAddresses.parseIpv6("1.2.3.4::")).isNull();
        assertThat(IpAddresses.parseIpv6(":CAFE::BABE")).isNull();
        assertThat(IpAddresses.parseIpv6("1:2:3:4:5:6:7:8:9")).isNull();
        assertThat(IpAddresses.parseIpv4("1.2.3.04")).isNull();
    }
}
