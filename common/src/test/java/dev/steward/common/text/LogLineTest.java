package dev.steward.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LogLineTest {

    @Test
    void of_eventOnly_isTheEventName() {
        assertThat(LogLine.of("relay_stopped")).hasToString("relay_stopped");
    }

    @Test
    void fieldsAndAddresses_keepTheOrderTheyWereAdded() {
        LogLine line = LogLine.of("queued")
                .field("queue_id", "4Xq2ZbN1")
                .address("from", "app@app.example.test")
                .field("size", 123)
                .field("tls", true)
                .field("reason", "")
                .address("to", null)
                .field("path", Path.of("/var/spool/steward/incoming"));

        assertThat(line).hasToString("queued queue_id=4Xq2ZbN1 from=<app@app.example.test> size=123 tls=true reason=\"\""
                + " to=<> path=/var/spool/steward/incoming");
        assertThat(line.toString()).isEqualTo(line.toString());
    }

    // Values are Java strings here, so that control characters can be written exactly.
    static Stream<Arguments> fieldValues() {
        return Stream.of(
                Arguments.of("plain", "plain"),
                Arguments.of("a.b-c_d/e:f@g,h;i+j[k]l(m)n<o>p'q", "a.b-c_d/e:f@g,h;i+j[k]l(m)n<o>p'q"),
                Arguments.of("bjørn@bücher.example", "bjørn@bücher.example"),
                Arguments.of("用户", "用户"),
                Arguments.of("", "\"\""),
                Arguments.of(null, "\"\""),
                Arguments.of(" ", "\" \""),
                Arguments.of("a b", "\"a b\""),
                Arguments.of(" lead", "\" lead\""),
                Arguments.of("trail ", "\"trail \""),
                Arguments.of("a=b", "\"a=b\""),
                Arguments.of("=", "\"=\""),
                Arguments.of("a\"b", "\"a\\\"b\""),
                Arguments.of("\"", "\"\\\"\""),
                Arguments.of("\"\"", "\"\\\"\\\"\""),
                Arguments.of("a\\b", "\"a\\\\b\""),
                Arguments.of("\\", "\"\\\\\""),
                Arguments.of("end\\", "\"end\\\\\""),
                Arguments.of("\\\"", "\"\\\\\\\"\""),
                Arguments.of("a\nb", "\"a\\x0ab\""),
                Arguments.of("\r\n", "\"\\x0d\\x0a\""),
                Arguments.of("tab\there", "\"tab\\x09here\""),
                Arguments.of("\0", "\"\\x00\""),
                Arguments.of("\u001b[31mred", "\"\\x1b[31mred\""),
                Arguments.of("\u001f", "\"\\x1f\""),
                Arguments.of("del\u007f", "\"del\\x7f\""),
                Arguments.of("nel\u0085", "\"nel\\x85\""),
                Arguments.of("\u0080\u009f", "\"\\x80\\x9f\""),
                Arguments.of("x\" injected=1", "\"x\\\" injected=1\""),
                Arguments.of("x\nrelay_started listen=0.0.0.0:25", "\"x\\x0arelay_started listen=0.0.0.0:25\""));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("fieldValues")
    void field_value_quotedAndEscapedOnlyWhenNeeded(String value, String rendered) {
        assertThat(LogLine.of("event").field("key", value)).hasToString("event key=" + rendered);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            123,   123
            -1,    -1
            0,     0
            """)
    void field_number_unquoted(long value, String rendered) {
        assertThat(LogLine.of("event").field("size", value)).hasToString("event size=" + rendered);
    }

    static Stream<Arguments> addresses() {
        return Stream.of(
                Arguments.of("a@b", "<a@b>"),
                Arguments.of("app@app.example.test", "<app@app.example.test>"),
                Arguments.of("", "<>"),
                Arguments.of(null, "<>"),
                Arguments.of("\"john doe\"@example.test", "<\"john\\x20doe\"@example.test>"),
                Arguments.of("\"x> status=sent\"@evil.test", "<\"x\\x3e\\x20status=sent\"@evil.test>"),
                Arguments.of("a\u2028b@example.test", "<a\\u2028b@example.test>"),
                Arguments.of("\"a=b\"@example.test", "<\"a=b\"@example.test>"),
                Arguments.of("\"quote\\\"inside\"@example.test", "<\"quote\\\\\"inside\"@example.test>"),
                Arguments.of("bjørn@bücher.example", "<bjørn@bücher.example>"),
                Arguments.of("a\r\nb@example.test", "<a\\x0d\\x0ab@example.test>"),
                Arguments.of("a\0b\u007f\u0085@example.test", "<a\\x00b\\x7f\\x85@example.test>"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("addresses")
    void address_anyAddress_inAngleBrackets_controlsAndBackslashesEscaped(String address, String rendered) {
        assertThat(LogLine.of("queued").address("from", address)).hasToString("queued from=" + rendered);
    }

    @Test
    void field_lineSeparators_areQuotedAndEscaped() {
        assertThat(LogLine.of("event").field("helo", "a\u2028b\u2029c")).hasToString("event helo=\"a\\u2028b\\u2029c\"");
    }

    static IntStream everyChar() {
        return IntStream.rangeClosed(Character.MIN_VALUE, Character.MAX_VALUE);
    }

    @Test
    void field_everyChar_neverLeavesAControlCharacterInTheLine() {
        everyChar().forEach(c -> {
            String value = "a" + (char) c + "b";
            String line = LogLine.of("event").field("key", value).address("from", value).toString();

            assertThat(line.chars().filter(Character::isISOControl).count()).as("U+%04X", c).isZero();
            assertThat(line.lines().count()).as("U+%04X", c).isEqualTo(1);
        });
    }

    @Test
    void field_everyChar_quotedValueEndsAtItsClosingQuote() {
        everyChar().forEach(c -> {
            String value = "\"" + (char) c + "\\" + (char) c + "\"";
            String line = LogLine.of("event").field("key", value).field("next", "x").toString();

            assertThat(line).as("U+%04X", c).startsWith("event key=\"").endsWith("\" next=x");
            assertThat(closingQuote(line, "event key=\"".length())).as("U+%04X", c).isEqualTo(line.length() - " next=x".length() - 1);
        });
    }

    /** Index of the quote that closes a logfmt quoted value starting at {@code from}, honouring backslash escapes. */
    private static int closingQuote(String line, int from) {
        for (int i = from; i < line.length(); i++) {
            if (line.charAt(i) == '\\') {
                i++;
            } else if (line.charAt(i) == '"') {
                return i;
            }
        }
        return -1;
    }
}
