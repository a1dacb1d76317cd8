package dev.steward.mail.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DomainNameTest {

    @ParameterizedTest(name = "{0} -> {1} / {2}")
    @CsvSource(delimiter = '|', textBlock = """
            app.example.test          | app.example.test          | app.example.test
            APP.Example.TEST          | app.example.test          | app.example.test
            app.example.test.         | app.example.test          | app.example.test
            bücher.example            | xn--bcher-kva.example     | bücher.example
            BÜCHER.Example            | xn--bcher-kva.example     | bücher.example
            xn--bcher-kva.example     | xn--bcher-kva.example     | bücher.example
            XN--BCHER-KVA.EXAMPLE     | xn--bcher-kva.example     | bücher.example
            a\u3002b.example          | a.b.example               | a.b.example
            ｆｕｌｌ.example            | full.example              | full.example
            straße.example            | strasse.example           | strasse.example
            localhost                 | localhost                 | localhost
            4.3.2.1.in-addr.arpa      | 4.3.2.1.in-addr.arpa      | 4.3.2.1.in-addr.arpa
            123.example               | 123.example               | 123.example
            a-b--c.example            | a-b--c.example            | a-b--c.example
            ab--cd.example            | ab--cd.example            | ab--cd.example
            Mixed-Case9.Example.      | mixed-case9.example       | mixed-case9.example
            x.1a                      | x.1a                      | x.1a
            """)
    void parse_validText_normalisesToAsciiAndBack(String text, String ascii, String unicode) {
        DomainName domain = DomainName.parse(text);

        assertThat(domain.ascii()).isEqualTo(ascii);
        assertThat(domain.unicode()).isEqualTo(unicode);
        assertThat(domain.toString()).isEqualTo(ascii);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                        | the domain is empty
            .                         | the domain is only a dot
            app..example.test         | has an empty label
            .app.example.test         | has an empty label
            app.example.test..        | has an empty label
            -app.example.test         | starts or ends with a hyphen
            app-.example.test         | starts or ends with a hyphen
            app_1.example.test        | contains a character other than letters, digits and hyphens: '_'
            'app example.test'        | contains a character other than letters, digits and hyphens: U+0020
            app!.example.test         | contains a character other than letters, digits and hyphens: '!'
            xn--zz.example            | starts with xn-- but is not a valid A-label
            xn--a.example             | starts with xn-- but is not a valid A-label
            xn--bcher-kvb.example     | starts with xn-- but is not a valid A-label
            1.2.3.4                   | ends in an all-digit label
            example.123               | ends in an all-digit label
            [192.0.2.1]               | contains a character other than letters, digits and hyphens: '['
            """)
    void parse_invalidText_throwsWithReason(String text, String reason) {
        assertThatThrownBy(() -> DomainName.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void parse_plainAsciiHotPath_agreesWithTheFullPathOnRandomNames() {
        // Names from the alphabet the hot path handles, with the shapes it must refuse to decide
        // (empty labels, edge hyphens, xn--, all-digit TLDs, a root dot, long labels): both paths
        // accept with the same result or both refuse with the same reason.
        java.util.Random random = new java.util.Random(20261130);
        String alphabet = "abcxyzXN019-.";
        for (int n = 0; n < 50_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(8) == 0 ? 60 + random.nextInt(200) : random.nextInt(14);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(4) == 0) {
                text.insert(0, random.nextBoolean() ? "xn--" : "XN--");
            }
            String name = text.toString();
            String full;
            try {
                full = DomainName.fullyNormalised(name);
            } catch (IllegalArgumentException refused) {
                assertThatThrownBy(() -> DomainName.parse(name)).as(name).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage(refused.getMessage());
                continue;
            }
            assertThat(DomainName.parse(name).ascii()).as(name).isEqualTo(full);
        }
    }

    @Test
    void parse_labelOf63_accepted_labelOf64_refused() {
        assertThat(DomainName.parse("a".repeat(63) + ".example").ascii()).hasSize(63 + 8);

        assertThatThrownBy(() -> DomainName.parse("a".repeat(64) + ".example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is longer than 63 characters");
        assertThatThrownBy(() -> DomainName.parse("ü" + "a".repeat(63) + ".example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too long");
    }

    @Test
    void parse_nameOf253_accepted_nameOf254_refused() {
        String label = "a".repeat(63);
        String name253 = String.join(".", label, label, label, "b".repeat(61)); // 3*64 + 61 = 253
        assertThat(name253).hasSize(253);
        assertThat(DomainName.parse(name253).ascii()).isEqualTo(name253);

        assertThatThrownBy(() -> DomainName.parse(name253 + "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the domain is longer than 253 characters in ASCII form (254)");
    }

    @Test
    void parse_uLabelTooLongOnceEncoded_refused() {
        assertThatThrownBy(() -> DomainName.parse("ü".repeat(60) + ".example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid internationalised domain name");
    }

    @Test
    void constructor_nonNormalisedText_refused() {
        assertThatThrownBy(() -> new DomainName("App.example.test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("domain \"App.example.test\" is not in normalised A-label form (use DomainName.parse)");
        assertThat(new DomainName("app.example.test")).isEqualTo(DomainName.parse("APP.example.test."));
    }

    @ParameterizedTest(name = "{0} in {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            app.example.test             | app.example.test | true
            x.app.example.test           | app.example.test | true
            a.b.app.example.test         | app.example.test | true
            X.APP.example.test           | app.example.test | true
            app.example.test.evil.test   | app.example.test | false
            evil-app.example.test        | app.example.test | false
            xapp.example.test            | app.example.test | false
            example.test                 | app.example.test | false
            app.example.tes              | app.example.test | false
            pp.example.test              | app.example.test | false
            shop.bücher.example          | xn--bcher-kva.example | true
            shop.xn--bcher-kva.example   | bücher.example   | true
            bücher.example               | bucher.example   | false
            """)
    void isSameOrSubdomainOf_matchesWholeLabelsOnly(String child, String parent, boolean expected) {
        assertThat(DomainName.parse(child).isSameOrSubdomainOf(DomainName.parse(parent))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"app.example.test, false", "bücher.example, true", "xn--bcher-kva.example, true"})
    void isInternationalized_trueOnlyWithALabels(String text, boolean expected) {
        assertThat(DomainName.parse(text).isInternationalized()).isEqualTo(expected);
    }
}
