package dev.steward.smtp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SmtpReplyTest {

    static Stream<Arguments> renderings() {
        return Stream.of(
                Arguments.of(SmtpReply.ok(), "250 2.0.0 Ok\r\n"),
                Arguments.of(SmtpReply.of(250, null, "relay.test", "PIPELINING", "SIZE 1000", "8BITMIME"),
                        "250-relay.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME\r\n"),
                Arguments.of(SmtpReply.of(550, "5.1.1", "first", "second"),
                        "550-5.1.1 first\r\n550 5.1.1 second\r\n"),
                Arguments.of(SmtpReply.of(221, "2.0.0", ""), "221 2.0.0\r\n"),
                Arguments.of(SmtpReply.of(354, null, "End data with <CR><LF>.<CR><LF>"), "354 End data with <CR><LF>.<CR><LF>\r\n"),
                Arguments.of(SmtpReply.of(501, "5.5.4", "missing address"), "501 5.5.4 missing address\r\n"),
                // Injection attempt through text: stays one line.
                Arguments.of(SmtpReply.of(550, "5.1.1", "<x>\r\n250 2.0.0 Ok"), "550 5.1.1 <x>  250 2.0.0 Ok\r\n"),
                Arguments.of(SmtpReply.of(550, "5.1.1", "a\nb\rc\u0000d"), "550 5.1.1 a b c d\r\n"),
                Arguments.of(SmtpReply.of(250, "2.1.5", "j\u00f6rg ok"), "250 2.1.5 j\u00f6rg ok\r\n"));
    }

    @ParameterizedTest
    @MethodSource("renderings")
    void toBytes_table(SmtpReply reply, String wire) {
        assertThat(new String(reply.toBytes(), StandardCharsets.UTF_8)).isEqualTo(wire);
    }

    @Test
    void constructor_sanitizesLines() {
        assertThat(SmtpReply.of(250, null, "a\r\nb").lines()).isEqualTo(List.of("a  b"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(199, null, List.of("x")),
                Arguments.of(600, null, List.of("x")),
                Arguments.of(250, "5.0.0", List.of("x")),
                Arguments.of(550, "2.0.0", List.of("x")),
                Arguments.of(354, "3.0.0", List.of("x")),
                Arguments.of(250, "2.0", List.of("x")),
                Arguments.of(250, "2.0.0 ", List.of("x")),
                Arguments.of(250, "2.0.1000", List.of("x")),
                Arguments.of(250, "2.0.0", List.of()));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void constructor_invalid_throws(int code, String enhanced, List<String> lines) {
        assertThatThrownBy(() -> new SmtpReply(code, enhanced, lines)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            250 | 2.0.0 | Ok            | 250 2.0.0 Ok              | true  | false | false | false
            354 |       | go ahead      | 354 go ahead              | false | true  | false | false
            450 | 4.2.0 | busy          | 450 4.2.0 busy            | false | false | true  | false
            550 | 5.1.1 | ''            | 550 5.1.1                 | false | false | false | true
            """)
    void categories_andOneLine(int code, String enhanced, String text, String oneLine, boolean completion,
                               boolean intermediate, boolean transientNegative, boolean permanentNegative) {
        SmtpReply reply = SmtpReply.of(code, enhanced, text);
        assertThat(reply.oneLine()).isEqualTo(oneLine);
        assertThat(reply.isPositiveCompletion()).isEqualTo(completion);
        assertThat(reply.isPositiveIntermediate()).isEqualTo(intermediate);
        assertThat(reply.isTransientNegative()).isEqualTo(transientNegative);
        assertThat(reply.isPermanentNegative()).isEqualTo(permanentNegative);
    }

    @Test
    void oneLine_joinsLines() {
        assertThat(SmtpReply.of(550, "5.7.1", "first", "", "second").oneLine()).isEqualTo("550 5.7.1 first second");
    }
}
