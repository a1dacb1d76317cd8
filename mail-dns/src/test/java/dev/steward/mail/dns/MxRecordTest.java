package dev.steward.mail.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MxRecordTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            mx1.example.test        | mx1.example.test
            MX1.Example.TEST        | mx1.example.test
            mx1.example.test.       | mx1.example.test
            xn--bcher-kva.example   | xn--bcher-kva.example
            .                       | .
            """)
    void exchange_isNormalised(String exchange, String expected) {
        assertThat(new MxRecord(10, exchange).exchange()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            mx_1.example.test       | contains a character other than letters, digits and hyphens: '_'
            192.0.2.1               | ends in an all-digit label
            'mx 1.example.test'     | U+0020
            mx..example.test        | has an empty label
            ''                      | the domain is empty
            """)
    void exchange_thatIsNotAHostName_isRefused(String exchange, String reason) {
        assertThatThrownBy(() -> new MxRecord(10, exchange))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MX exchange is not a host name: ")
                .hasMessageContaining(reason);
    }

    @Test
    void preference_mustBeSixteenBits() {
        assertThat(new MxRecord(65535, "mx.example.test").preference()).isEqualTo(65535);
        assertThatThrownBy(() -> new MxRecord(65536, "mx.example.test")).hasMessageContaining("not in 0..65535");
        assertThatThrownBy(() -> new MxRecord(-1, "mx.example.test")).hasMessageContaining("not in 0..65535");
    }

    @Test
    void isNullMx_onlyForTheRoot() {
        assertThat(new MxRecord(0, ".").isNullMx()).isTrue();
        assertThat(new MxRecord(0, "mx.example.test").isNullMx()).isFalse();
        assertThat(new MxRecord(0, ".")).hasToString("0 .");
    }
}
