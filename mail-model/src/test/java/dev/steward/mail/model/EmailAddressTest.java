package dev.steward.mail.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmailAddressTest {

    // The rows contain every atext special, so the delimiter is " | " and the quote a character
    // that atext lacks.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " | ", quoteCharacter = '§', textBlock = """
            app@app.example.test              | app                 | app.example.test       | app.example.test      | true
            App.Sender@APP.Example.Test       | App.Sender          | APP.Example.Test       | app.example.test      | true
            first.last+tag@x.app.example.test | first.last+tag      | x.app.example.test     | x.app.example.test    | true
            !#$%&'*+-/=?^_`{|}~@example.test  | !#$%&'*+-/=?^_`{|}~ | example.test           | example.test          | true
            "john doe"@example.test           | "john doe"          | example.test           | example.test          | true
            "a@b"@example.test                | "a@b"               | example.test           | example.test          | true
            "quote\\"inside"@example.test     | "quote\\"inside"    | example.test           | example.test          | true
            "..dots.."@example.test           | "..dots.."          | example.test           | example.test          | true
            ""@example.test                   | ""                  | example.test           | example.test          | true
            bjørn@bücher.example              | bjørn               | bücher.example         | xn--bcher-kva.example | false
            app@xn--bcher-kva.example         | app                 | xn--bcher-kva.example  | xn--bcher-kva.example | true
            用户@例子.example                  | 用户                 | 例子.example            | xn--fsqu00a.example   | false
            """)
    void parse_validAddress_keepsPartsAsWritten(String text, String localPart, String domainText,
            String domainAscii, boolean ascii) {
        EmailAddress address = EmailAddress.parse(text);

        assertThat(address.localPart()).isEqualTo(localPart);
        assertThat(address.domainText()).isEqualTo(domainText);
        assertThat(address.domain().ascii()).isEqualTo(domainAscii);
        assertThat(address.isAscii()).isEqualTo(ascii);
        assertThat(address.toString()).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            ''                                | the address is empty
            app                               | has no @domain part
            app@                              | has an empty domain
            @app.example.test                 | the local part (before the @) is empty
            app@[192.0.2.1]                   | address literals such as "[192.0.2.1]" are not accepted
            app@[IPv6:2001:db8::1]            | address literals such as "[IPv6:2001:db8::1]" are not accepted
            app@192.0.2.1                     | ends in an all-digit label
            app@app.example.test.             | the domain "app.example.test." ends with a dot
            app@app。example.test              | separates labels with a character other than '.'
            app@app..example.test             | has an invalid domain: the domain "app..example.test" has an empty label
            app@app_x.example.test            | has an invalid domain
            .app@example.test                 | starts or ends with a dot
            app.@example.test                 | starts or ends with a dot
            a..b@example.test                 | two dots in a row
            'a b@example.test'                | contains a space, which is only allowed inside quotes
            a(b)@example.test                 | contains '(', which is only allowed inside quotes
            a@b@example.test                  | has an invalid domain
            <app@example.test>                | contains '<'
            "unclosed@example.test            | has no closing quote
            "a"b@example.test                 | continues after the quoted local part with 'b' instead of @
            "a"b"@example.test                | continues after the quoted local part with 'b' instead of @
            """)
    void parse_invalidAddress_throwsWithReason(String text, String reason) {
        assertThatThrownBy(() -> EmailAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({"'\"ctl\u0001\"@example.test', U+0001", "'a\u0085b@example.test', U+0085", "'a\ud800b@example.test', U+D800"})
    void parse_controlOrLoneSurrogate_refused(String text, String codePoint) {
        assertThatThrownBy(() -> EmailAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contains " + codePoint);
    }

    @Test
    void parse_localPartOf64Octets_accepted_65_refused() {
        assertThat(EmailAddress.parse("a".repeat(64) + "@example.test").localPart()).hasSize(64);

        assertThatThrownBy(() -> EmailAddress.parse("a".repeat(65) + "@example.test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the local part is 65 octets long; at most 64 are allowed");
        // 32 two-octet characters plus one: the limit is in UTF-8 octets, not characters.
        assertThatThrownBy(() -> EmailAddress.parse("ø".repeat(32) + "a@example.test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the local part is 65 octets long; at most 64 are allowed");
    }

    @Test
    void parse_addressOf254Octets_accepted_255_refused() {
        String label = "d".repeat(63);
        String domain189 = String.join(".", label, label, "e".repeat(61)); // 64 + 64 + 61
        String local64 = "l".repeat(64);
        assertThat(EmailAddress.parse(local64 + "@" + domain189).toString()).hasSize(254);

        assertThatThrownBy(() -> EmailAddress.parse(local64 + "@" + domain189 + "e"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the address is 255 octets long; at most 254 are allowed");
    }

    @Test
    void constructor_domainTextDisagreesWithDomain_refused() {
        assertThatThrownBy(() -> new EmailAddress("app", "other.test", DomainName.parse("app.example.test")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("domain \"other.test\" does not normalise to app.example.test");
    }

    @Test
    void equals_sameSpelling_equal_differentCaseOfDomain_notEqualButSameDomain() {
        EmailAddress lower = EmailAddress.parse("app@app.example.test");
        EmailAddress upper = EmailAddress.parse("app@APP.example.test");

        assertThat(lower).isEqualTo(EmailAddress.parse("app@app.example.test"));
        assertThat(lower).isNotEqualTo(upper);
        assertThat(lower.domain()).isEqualTo(upper.domain());
    }
}
