package dev.steward.dnscheck.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpfRecordTest {

    private static SpfRecord valid(String text) {
        SpfRecord.ParseResult result = SpfRecord.parse(text);
        assertThat(result).as(text).isInstanceOf(SpfRecord.Valid.class);
        return ((SpfRecord.Valid) result).record();
    }

    @Test
    void keepsTermsInOrderWithTheirText() {
        SpfRecord record = valid("v=spf1  a mx/24 -ip4:192.0.2.0/24 ip6:2001:DB8::/32 include:_spf.google.com"
                + " ?exists:%{ir}.bl.example.org ptr a:mail.example.com/28//64 foo=bar exp=why.%{d} ~all ");
        assertThat(record.terms()).extracting(SpfTerm::text).containsExactly("a", "mx/24", "-ip4:192.0.2.0/24",
                "ip6:2001:DB8::/32", "include:_spf.google.com", "?exists:%{ir}.bl.example.org", "ptr",
                "a:mail.example.com/28//64", "foo=bar", "exp=why.%{d}", "~all");
        SpfTerm.Directive a = record.directives().get(7);
        assertThat(a.mechanism()).isInstanceOfSatisfying(Mechanism.A.class, m -> {
            assertThat(m.domainSpec().text()).isEqualTo("mail.example.com");
            assertThat(m.cidr4()).isEqualTo(28);
            assertThat(m.cidr6()).isEqualTo(64);
        });
        assertThat(record.directives().get(2).qualifier()).isEqualTo(Qualifier.FAIL);
        assertThat(record.directives().getLast().qualifier()).isEqualTo(Qualifier.SOFTFAIL);
        assertThat(record.explanation()).get().extracting(m -> m.value().text()).isEqualTo("why.%{d}");
        assertThat(record.redirect()).isEmpty();
        assertThat(((Mechanism.Ip4) record.directives().get(2).mechanism()).cidr()).isEqualTo(24);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "v=spf1 ip4:1.2.3.4 -all moo             | \"moo\" is not a mechanism",
        "v=spf1 -all.                            | \"all\" takes no argument",
        "v=spf1 ip4:1.2.3.4/33                   | not a prefix length",
        "v=spf1 ip4:1.2.3.4/032                  | not a prefix length",
        "v=spf1 ip4:1.2.3                        | not an IPv4 address",
        "v=spf1 a//129                           | not an IPv6 prefix length",
        "v=spf1 a/24/64                          | is not a prefix length",
        "v=spf1 redirect:example.com             | the modifier is written redirect=",
        "v=spf1 exp=a.example.com exp=b.example.com | more than once",
        "v=spf1 redirect=                        | redirect= needs a domain name",
        "v=spf1 include:                         | empty",
        "v=spf1 ptr/0                            | no prefix length",
        "v=spf1 1up=foo                          | not a mechanism",
        "v=spf1 foo=%abc                         | '%' followed by 'a'",
        "v=spf1 a:example.com:8080               | top-level label",
    })
    void syntaxErrorsAreValuesWithAReason(String text, String reasonPart) {
        assertThat(SpfRecord.parse(text)).isInstanceOfSatisfying(SpfRecord.Invalid.class,
                invalid -> assertThat(invalid.reason()).contains(reasonPart));
    }

    @Test
    void controlAndNonAsciiCharactersAreErrors() {
        assertThat(SpfRecord.parse("v=spf1 a:ctrl.example.com\rptr -all")).isInstanceOfSatisfying(SpfRecord.Invalid.class,
                invalid -> assertThat(invalid.reason()).contains("control character \\x0D"));
        assertThat(SpfRecord.parse("v=spf1 a:example.net \u0096all")).isInstanceOfSatisfying(SpfRecord.Invalid.class,
                invalid -> assertThat(invalid.reason()).contains("U+0096"));
    }

    @Test
    void selectsOnlyVersionOne() {
        assertThat(SpfRecord.isSpf1("v=spf1")).isTrue();
        assertThat(SpfRecord.isSpf1("V=SpF1 -all")).isTrue();
        assertThat(SpfRecord.isSpf1("v=spf10")).isFalse();
        assertThat(SpfRecord.isSpf1("v=spf1-all")).isFalse();
        assertThat(SpfRecord.isSpf1("spf2.0/pra -all")).isFalse();
        assertThat(valid("v=spf1").terms()).isEmpty();
    }

    @Test
    void neverThrowsOnRandomInput() {
        Random random = new Random(7208);
        List<String> pieces = List.of("v=spf1", " ", "a", "mx", "ptr", "ip4:", "ip6:", "include:", "exists:", "all",
                "redirect=", "exp=", "%{", "}", "%", "/", "//", ":", ".", "-", "+", "~", "?", "=", "1", "33", "192.0.2.1",
                "::1", "example.com", "d", "ir", "l2r-", "\u00e9", "\0", "\t", "\n");
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? "v=spf1 " : "");
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                if (random.nextInt(10) == 0) {
                    text.append((char) random.nextInt(0x180));
                } else {
                    text.append(pieces.get(random.nextInt(pieces.size())));
                }
            }
            String input = text.toString();
            assertThatCode(() -> SpfRecord.parse(input)).as(input).doesNotThrowAnyException();
            assertThatCode(() -> MacroString.parse(input, MacroString.Kind.DOMAIN_SPEC)).as(input).doesNotThrowAnyException();
        }
    }
}
