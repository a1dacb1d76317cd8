package dev.steward.relay.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.relay.policy.TlsPolicy.MtaStsMode;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 8461 §3.2 policy texts, valid and invalid. */
class MtaStsPolicyTest {

    static Stream<Arguments> validPolicies() {
        return Stream.of(
                Arguments.of("RFC 8461 example, LF",
                        "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmx: backupmx.example.com\nmax_age: 604800\n",
                        new MtaStsPolicy(MtaStsMode.ENFORCE, List.of("mail.example.com", "*.example.net", "backupmx.example.com"),
                                Duration.ofSeconds(604800))),
                Arguments.of("CRLF, no final line end",
                        "version: STSv1\r\nmode: testing\r\nmx: mx.example.org\r\nmax_age: 86400",
                        new MtaStsPolicy(MtaStsMode.TESTING, List.of("mx.example.org"), Duration.ofDays(1))),
                Arguments.of("fields in any order, spaces and tabs after the colon and at the end",
                        "max_age:\t300 \nmx:   MX.Example.ORG\t\nmode:enforce\nversion: STSv1\n",
                        new MtaStsPolicy(MtaStsMode.ENFORCE, List.of("mx.example.org"), Duration.ofMinutes(5))),
                Arguments.of("mode none needs no mx",
                        "version: STSv1\nmode: none\nmax_age: 0\n",
                        new MtaStsPolicy(MtaStsMode.NONE, List.of(), Duration.ZERO)),
                Arguments.of("unknown fields are ignored, even repeated",
                        "version: STSv1\nmode: enforce\nx-note: hello world é\nx-note: again\nmx: a.example\nmax_age: 31557600\n",
                        new MtaStsPolicy(MtaStsMode.ENFORCE, List.of("a.example"), Duration.ofSeconds(31557600))),
                Arguments.of("blank lines are skipped",
                        "\nversion: STSv1\n\nmode: enforce\r\n \r\nmx: a.example\nmax_age: 10\n\n\n",
                        new MtaStsPolicy(MtaStsMode.ENFORCE, List.of("a.example"), Duration.ofSeconds(10))),
                Arguments.of("max_age with leading zeros, ten digits",
                        "version: STSv1\nmode: testing\nmx: a.example\nmax_age: 0000086400\n",
                        new MtaStsPolicy(MtaStsMode.TESTING, List.of("a.example"), Duration.ofDays(1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validPolicies")
    void parse_valid(String name, String text, MtaStsPolicy expected) {
        assertThat(MtaStsPolicy.parse(text)).isEqualTo(new MtaStsPolicy.Parsed.Valid(expected));
    }

    static Stream<Arguments> invalidPolicies() {
        String mx = "mx: a.example\n";
        return Stream.of(
                Arguments.of("empty", "", "no version field"),
                Arguments.of("no version", "mode: enforce\n" + mx + "max_age: 1\n", "no version field"),
                Arguments.of("no mode", "version: STSv1\n" + mx + "max_age: 1\n", "no mode field"),
                Arguments.of("no max_age", "version: STSv1\nmode: enforce\n" + mx, "no max_age field"),
                Arguments.of("enforce without mx", "version: STSv1\nmode: enforce\nmax_age: 1\n",
                        "no mx field (required in mode enforce)"),
                Arguments.of("testing without mx", "version: STSv1\nmode: testing\nmax_age: 1\n",
                        "no mx field (required in mode testing)"),
                Arguments.of("other version", "version: STSv2\nmode: enforce\n" + mx + "max_age: 1\n",
                        "line 1: unsupported version \"STSv2\""),
                Arguments.of("version is case-sensitive", "version: stsv1\nmode: enforce\n" + mx + "max_age: 1\n",
                        "line 1: unsupported version \"stsv1\""),
                Arguments.of("mode value is case-sensitive", "version: STSv1\nmode: Enforce\n" + mx + "max_age: 1\n",
                        "line 2: mode must be enforce, testing or none, was \"Enforce\""),
                Arguments.of("field name is case-sensitive", "version: STSv1\nMode: enforce\n" + mx + "max_age: 1\n",
                        "no mode field"),
                Arguments.of("mode twice", "version: STSv1\nmode: testing\nmode: enforce\n" + mx + "max_age: 1\n",
                        "line 3: mode given twice"),
                Arguments.of("version twice", "version: STSv1\nversion: STSv1\nmode: enforce\n" + mx + "max_age: 1\n",
                        "line 2: version given twice"),
                Arguments.of("max_age twice", "version: STSv1\nmode: enforce\n" + mx + "max_age: 1\nmax_age: 2\n",
                        "line 5: max_age given twice"),
                Arguments.of("max_age over the limit", "version: STSv1\nmode: enforce\n" + mx + "max_age: 31557601\n",
                        "line 4: max_age 31557601 is more than 31557600"),
                Arguments.of("max_age eleven digits", "version: STSv1\nmode: enforce\n" + mx + "max_age: 00000000001\n",
                        "line 4: max_age must be 1 to 10 digits, was \"00000000001\""),
                Arguments.of("max_age negative", "version: STSv1\nmode: enforce\n" + mx + "max_age: -1\n",
                        "line 4: max_age must be 1 to 10 digits, was \"-1\""),
                Arguments.of("max_age with a unit", "version: STSv1\nmode: enforce\n" + mx + "max_age: 1d\n",
                        "line 4: max_age must be 1 to 10 digits, was \"1d\""),
                Arguments.of("space before the colon", "version : STSv1\nmode: enforce\n" + mx + "max_age: 1\n",
                        "line 1: not a field name: \"version \""),
                Arguments.of("leading space", " version: STSv1\nmode: enforce\n" + mx + "max_age: 1\n",
                        "line 1: not a field name: \" version\""),
                Arguments.of("a line without colon", "version: STSv1\nmode enforce\n" + mx + "max_age: 1\n",
                        "line 2: no ':' in \"mode enforce\""),
                Arguments.of("empty value", "version: STSv1\nmode: enforce\nmx:\nmax_age: 1\n", "line 3: mx has no value"),
                Arguments.of("wildcard in the middle", "version: STSv1\nmode: enforce\nmx: mx.*.example\nmax_age: 1\n",
                        "line 3: not an mx pattern: \"mx.*.example\""),
                Arguments.of("bare wildcard", "version: STSv1\nmode: enforce\nmx: *\nmax_age: 1\n",
                        "line 3: not an mx pattern: \"*\""),
                Arguments.of("trailing dot", "version: STSv1\nmode: enforce\nmx: mx.example.\nmax_age: 1\n",
                        "line 3: not an mx pattern: \"mx.example.\""),
                Arguments.of("two patterns on one line", "version: STSv1\nmode: enforce\nmx: a.example b.example\nmax_age: 1\n",
                        "line 3: not an mx pattern: \"a.example b.example\""),
                Arguments.of("hyphen at a label end", "version: STSv1\nmode: enforce\nmx: mx-.example\nmax_age: 1\n",
                        "line 3: not an mx pattern: \"mx-.example\""),
                Arguments.of("U-label", "version: STSv1\nmode: enforce\nmx: bücher.example\nmax_age: 1\n",
                        "line 3: not an mx pattern: \"bücher.example\""),
                Arguments.of("bare CR inside a line", "version: STSv1\nmode: enforce\rmx: a.example\nmax_age: 1\n",
                        "line 2: mode has a control character in its value"),
                Arguments.of("malformed extension name", "version: STSv1\nmode: enforce\n" + mx + "max_age: 1\n_x: y\n",
                        "line 5: not a field name: \"_x\""),
                Arguments.of("HTML instead of a policy", "<html><body>Not found</body></html>\n",
                        "line 1: no ':' in \"<html><body>Not found</body></html>\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPolicies")
    void parse_invalid(String name, String text, String reason) {
        assertThat(MtaStsPolicy.parse(text)).isEqualTo(new MtaStsPolicy.Parsed.Invalid(reason));
    }

    @Test
    void parse_longRemoteTextInAReason_isShortened() {
        String garbage = "x".repeat(5000);
        MtaStsPolicy.Parsed parsed = MtaStsPolicy.parse(garbage);
        assertThat(parsed).isInstanceOfSatisfying(MtaStsPolicy.Parsed.Invalid.class,
                invalid -> assertThat(invalid.reason()).hasSizeLessThan(100).endsWith("...\""));
    }

    @Test
    void constructor_refusesContradictions() {
        assertThatThrownBy(() -> new MtaStsPolicy(MtaStsMode.ENFORCE, List.of(), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MtaStsPolicy(MtaStsMode.NONE, List.of(), Duration.ofSeconds(MtaStsPolicy.MAX_AGE_LIMIT + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MtaStsPolicy(MtaStsMode.NONE, List.of(), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
