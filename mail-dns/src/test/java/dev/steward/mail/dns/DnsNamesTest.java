package dev.steward.mail.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DnsNamesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            example.test                        | example.test.
            Example.TEST.                       | Example.TEST.
            _dmarc.example.test                 | _dmarc.example.test.
            nexx._domainkey.app.example.test    | nexx._domainkey.app.example.test.
            xn--bcher-kva.example               | xn--bcher-kva.example.
            localhost                           | localhost.
            """)
    void toQueryName_absolute(String text, String expected) {
        assertThat(DnsNames.toQueryName(text)).hasToString(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                      | the DNS name is empty
            .                       | the DNS name is empty
            bücher.example          | must be ASCII letters, digits, '-' and '_' (convert IDNs to A-labels first)
            'a b.example'           | must be ASCII letters, digits
            a\\.b.example           | must be ASCII letters, digits
            a..example              | has an empty or over-long label
            .example                | has an empty or over-long label
            """)
    void toQueryName_refusesMalformed(String text, String message) {
        assertThatThrownBy(() -> DnsNames.toQueryName(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void toQueryName_lengthLimits() {
        String label = "a".repeat(63);
        String name253 = String.join(".", label, label, label, "b".repeat(61));
        assertThat(DnsNames.toQueryName(name253).toString(true)).isEqualTo(name253);
        assertThatThrownBy(() -> DnsNames.toQueryName(name253 + "c")).hasMessageContaining("longer than 253");
        assertThatThrownBy(() -> DnsNames.toQueryName("a".repeat(64) + ".example")).hasMessageContaining("over-long label");
    }

    @Test
    void describe_duration() {
        assertThat(DnsNames.describe(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(DnsNames.describe(Duration.ofMillis(250))).isEqualTo("250ms");
    }
}
