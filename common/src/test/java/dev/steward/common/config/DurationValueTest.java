package dev.steward.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DurationValueTest {

    private static final String NOT_A_DURATION =
            "not a duration: write a number with a unit such as \"30s\", \"5m\", \"4h\" or \"5d\"";

    @ParameterizedTest(name = "\"{0}\" = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0ms             | PT0S
            250ms           | PT0.25S
            1500ms          | PT1.5S
            0s              | PT0S
            30s             | PT30S
            5m              | PT5M
            90m             | PT1H30M
            4h              | PT4H
            5d              | PT120H
            1w              | PT168H
            2w              | PT336H
            30S             | PT30S
            250MS           | PT0.25S
            5M              | PT5M
            4H              | PT4H
            5D              | PT120H
            1W              | PT168H
            '5 m'           | PT5M
            '  30s  '       | PT30S
            007s            | PT7S
            999999999999ms  | PT277777H46M39.999S
            999999999999w   | PT167999999999832H
            """)
    void parse_everyUnit_givesDuration(String text, Duration expected) {
        assertThat(DurationValue.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
            30
            0
            '  30  '
            ''
            s
            ms
            1.5h
            -5m
            +5m
            5min
            5sec
            '5 mins'
            5y
            5mo
            5hh
            1h30m
            1000000000000ms
            PT5M
            ٣s
            """)
    void parse_bareNumberOrBadSyntax_refusedWithForms(String text) {
        assertThatThrownBy(() -> DurationValue.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(NOT_A_DURATION);
    }

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of(Duration.ZERO, "0s"),
                Arguments.of(Duration.ofMillis(1), "1ms"),
                Arguments.of(Duration.ofMillis(250), "250ms"),
                Arguments.of(Duration.ofMillis(1500), "1500ms"),
                Arguments.of(Duration.ofMillis(60_001), "60001ms"),
                Arguments.of(Duration.ofSeconds(1), "1s"),
                Arguments.of(Duration.ofSeconds(59), "59s"),
                Arguments.of(Duration.ofSeconds(90), "90s"),
                Arguments.of(Duration.ofSeconds(60), "1m"),
                Arguments.of(Duration.ofMinutes(5), "5m"),
                Arguments.of(Duration.ofMinutes(90), "90m"),
                Arguments.of(Duration.ofHours(1), "1h"),
                Arguments.of(Duration.ofHours(36), "36h"),
                Arguments.of(Duration.ofDays(1), "1d"),
                Arguments.of(Duration.ofDays(6), "6d"),
                Arguments.of(Duration.ofDays(7), "1w"),
                Arguments.of(Duration.ofDays(8), "8d"),
                Arguments.of(Duration.ofDays(14), "2w"),
                Arguments.of(Duration.ofDays(999_999_999_998L), "999999999998d"),
                Arguments.of(Duration.ofDays(7 * 999_999_999_999L), "999999999999w"),
                Arguments.of(Duration.ofSeconds(Long.MAX_VALUE), "9223372036854775807s"),
                Arguments.of(Duration.ofSeconds(Long.MAX_VALUE - 7), "153722867280912930m"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("formats")
    void format_anyDuration_largestExactUnit(Duration duration, String text) {
        assertThat(DurationValue.format(duration)).isEqualTo(text);
    }

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource(textBlock = """
            0ms,            0s
            0w,             0s
            1000ms,         1s
            1001ms,         1001ms
            60000ms,        1m
            60s,            1m
            61s,            61s
            3600s,          1h
            120m,           2h
            24h,            1d
            25h,            25h
            7d,             1w
            168h,           1w
            10080m,         1w
            5d,             5d
            30s,            30s
            250ms,          250ms
            '5 M',          5m
            999999999998d,  999999999998d
            999999999999d,  142857142857w
            999999999999w,  999999999999w
            999999999999ms, 999999999999ms
            """)
    void format_ofParsed_canonicalAndParsesBack(String text, String canonical) {
        Duration parsed = DurationValue.parse(text);

        assertThat(DurationValue.format(parsed)).isEqualTo(canonical);
        assertThat(DurationValue.parse(canonical)).isEqualTo(parsed);
    }
}
