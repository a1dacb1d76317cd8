package dev.steward.mail.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnhancedStatusTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            2.0.0      | 2.0.0     | success
            5.1.1      | 5.1.1     | permanent
            4.4.1      | 4.4.1     | transient
            5.1.10     | 5.1.10    | permanent
            4.7.650    | 4.7.650   | transient
            5.999.999  | 5.999.999 | permanent
            5.01.001   | 5.1.1     | permanent
            4.000.0    | 4.0.0     | transient
            """)
    void parse_validCode_normalisedAndClassified(String text, String normalised, String kind) {
        EnhancedStatus status = EnhancedStatus.parse(text);

        assertThat(status.toString()).isEqualTo(normalised);
        assertThat(status.isSuccess()).isEqualTo(kind.equals("success"));
        assertThat(status.isTransient()).isEqualTo(kind.equals("transient"));
        assertThat(status.isPermanent()).isEqualTo(kind.equals("permanent"));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "5", "5.1", "5.1.1.1", "3.1.1", "1.0.0", "6.0.0", "0.0.0", "55.1.1", "5..1", "5.1.",
            ".1.1", "5.1000.1", "5.1.1000", " 5.1.1", "5.1.1 ", "5.a.1", "5.1.-1", "5.+1.1", "５.1.1", "5.1.1\n"})
    void parse_malformed_refused(String text) {
        assertThatThrownBy(() -> EnhancedStatus.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parse_badClass_saysSo() {
        assertThatThrownBy(() -> EnhancedStatus.parse("3.0.0"))
                .hasMessage("the class of an enhanced status code must be 2, 4 or 5: \"3.0.0\"");
    }

    @Test
    void constructor_outOfRange_refused() {
        assertThatThrownBy(() -> EnhancedStatus.of(3, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnhancedStatus.of(5, 1000, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnhancedStatus.of(5, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"250, 2.0.0", "421, 4.0.0", "450, 4.0.0", "550, 5.0.0", "552, 5.0.0", "554, 5.0.0"})
    void defaultFor_replyCode_classWithZeros(int code, String expected) {
        assertThat(EnhancedStatus.defaultFor(code)).hasToString(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {199, 354, 600, 0, -550})
    void defaultFor_noClass_refused(int code) {
        assertThatThrownBy(() -> EnhancedStatus.defaultFor(code)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withClass_keepsSubjectAndDetail() {
        assertThat(EnhancedStatus.parse("5.7.1").withClass(4)).isEqualTo(EnhancedStatus.of(4, 7, 1));
    }

    @Test
    void equality_sameCodeDifferentSpelling_equal() {
        assertThat(EnhancedStatus.parse("5.01.1")).isEqualTo(EnhancedStatus.parse("5.1.01")).isEqualTo(EnhancedStatus.of(5, 1, 1));
    }
}
