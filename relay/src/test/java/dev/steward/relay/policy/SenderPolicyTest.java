package dev.steward.relay.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.mail.model.DomainName;
import dev.steward.mail.model.EmailAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SenderPolicyTest {

    /**
     * One row per sender: configured app domains ({@code ;}-separated), the address as the client
     * wrote it, and the verdict: {@code allowed}, {@code refused}, or {@code invalid} when the
     * address does not even parse (it is refused earlier, with a syntax reason).
     */
    @ParameterizedTest(name = "[{index}] {0} / {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            app.example.test                 | app@app.example.test                | allowed
            app.example.test                 | noreply@app.example.test            | allowed
            app.example.test                 | app@x.app.example.test              | allowed
            app.example.test                 | app@a.b.c.app.example.test          | allowed
            app.example.test                 | app@APP.Example.TEST                | allowed
            app.example.test                 | app@X.App.Example.Test              | allowed
            APP.Example.TEST                 | app@app.example.test                | allowed
            app.example.test.                | app@app.example.test                | allowed
            app.example.test                 | app@app.example.test.evil.test      | refused
            app.example.test                 | app@evil-app.example.test           | refused
            app.example.test                 | app@xapp.example.test               | refused
            app.example.test                 | app@example.test                    | refused
            app.example.test                 | app@test                            | refused
            app.example.test                 | app@app.example.tes                 | refused
            app.example.test                 | app@app.example.testx               | refused
            app.example.test                 | app@pp.example.test                 | refused
            app.example.test                 | app@app-example.test                | refused
            app.example.test                 | app@evil.test                       | refused
            app.example.test                 | app.example.test@evil.test          | refused
            app.example.test                 | "app@app.example.test"@evil.test    | refused
            app.example.test                 | app@app.example.test.               | invalid
            app.example.test                 | app@[192.0.2.1]                     | invalid
            app.example.test                 | app@app..example.test               | invalid
            bücher.example                   | app@bücher.example                  | allowed
            bücher.example                   | app@xn--bcher-kva.example           | allowed
            bücher.example                   | app@shop.XN--BCHER-KVA.example      | allowed
            bücher.example                   | app@BÜCHER.example                  | allowed
            xn--bcher-kva.example            | app@bücher.example                  | allowed
            xn--bcher-kva.example            | app@shop.bücher.example             | allowed
            xn--bcher-kva.example            | app@xn--bcher-kva.example           | allowed
            bücher.example                   | app@bucher.example                  | refused
            bücher.example                   | app@evil-bücher.example             | refused
            bücher.example                   | app@bücher.example.evil.test        | refused
            app.example.test;other.test      | app@app.example.test                | allowed
            app.example.test;other.test      | app@mail.other.test                 | allowed
            app.example.test;other.test      | app@other.test                      | allowed
            app.example.test;other.test      | app@example.test                    | refused
            app.example.test;other.test      | app@another.test                    | refused
            app.example.test;bücher.example  | app@xn--bcher-kva.example           | allowed
            app.example.test;bücher.example  | app@evil.test                       | refused
            """)
    void allows_senderTable_matchesVerdict(String appDomains, String sender, String expected) {
        SenderPolicy policy = policy(appDomains);

        assertThat(verdict(policy, sender)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            app.example.test                                  | app.example.test or its subdomains                                                   | app.example.test or its subdomains
            bücher.example                                    | bücher.example (xn--bcher-kva.example) or its subdomains                             | xn--bcher-kva.example or its subdomains
            xn--bcher-kva.example                             | bücher.example (xn--bcher-kva.example) or its subdomains                             | xn--bcher-kva.example or its subdomains
            app.example.test;other.test                       | one of app.example.test, other.test or their subdomains                              | one of app.example.test, other.test or their subdomains
            app.example.test;bücher.example;APP.example.test  | one of app.example.test, bücher.example (xn--bcher-kva.example) or their subdomains  | one of app.example.test, xn--bcher-kva.example or their subdomains
            """)
    void allowedDomainsText_namesEveryConfiguredDomain(String appDomains, String text, String asciiText) {
        SenderPolicy policy = policy(appDomains);

        assertThat(policy.allowedDomainsText()).isEqualTo(text);
        assertThat(policy.allowedDomainsAsciiText()).isEqualTo(asciiText);
    }

    @Test
    void constructor_duplicatesRemoved_orderKept() {
        SenderPolicy policy = policy("other.test;app.example.test;Other.Test");

        assertThat(policy.appDomains()).extracting(DomainName::ascii).containsExactly("other.test", "app.example.test");
    }

    @Test
    void constructor_noDomains_refused() {
        assertThatThrownBy(() -> new SenderPolicy(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at least one app domain is required");
    }

    private static SenderPolicy policy(String appDomains) {
        return new SenderPolicy(Arrays.stream(appDomains.split(";")).map(DomainName::parse).toList());
    }

    private static String verdict(SenderPolicy policy, String sender) {
        EmailAddress address;
        try {
            address = EmailAddress.parse(sender);
        } catch (IllegalArgumentException invalid) {
            return "invalid";
        }
        return policy.allows(address) ? "allowed" : "refused";
    }
}
