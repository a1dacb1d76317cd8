package dev.steward.smtp.wire;

import static dev.steward.smtp.wire.WireTestStreams.octets;
import static dev.steward.smtp.wire.WireTestStreams.oneBytePerRead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ReplyReaderTest {

    static Stream<Arguments> replies() {
        return Stream.of(
                Arguments.of("single line", "250 2.0.0 Ok\r\n", new SmtpReply(250, "2.0.0", List.of("Ok"))),
                Arguments.of("no enhanced code", "220 mx.test ESMTP\r\n", new SmtpReply(220, null, List.of("mx.test ESMTP"))),
                Arguments.of("multi-line EHLO", "250-mx.test Hello\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME\r\n",
                        new SmtpReply(250, null, List.of("mx.test Hello", "PIPELINING", "SIZE 1000", "8BITMIME"))),
                Arguments.of("enhanced on every line", "550-5.1.1 first\r\n550 5.1.1 second\r\n",
                        new SmtpReply(550, "5.1.1", List.of("first", "second"))),
                Arguments.of("enhanced on the first line only", "550-5.1.1 first\r\n550 second\r\n",
                        new SmtpReply(550, "5.1.1", List.of("first", "second"))),
                Arguments.of("different enhanced on a later line is text", "450-4.2.0 first\r\n450 4.7.1 second\r\n",
                        new SmtpReply(450, "4.2.0", List.of("first", "4.7.1 second"))),
                Arguments.of("enhanced class must match the code", "250 5.0.0 odd\r\n", new SmtpReply(250, null, List.of("5.0.0 odd"))),
                Arguments.of("class 3 is not an enhanced code", "354 3.0.0 go ahead\r\n", new SmtpReply(354, null, List.of("3.0.0 go ahead"))),
                Arguments.of("enhanced code alone", "221 2.0.0\r\n", new SmtpReply(221, "2.0.0", List.of(""))),
                Arguments.of("enhanced needs a following space", "250 2.0.0.1 x\r\n", new SmtpReply(250, null, List.of("2.0.0.1 x"))),
                Arguments.of("four-digit detail is not enhanced", "250 2.0.1000 x\r\n", new SmtpReply(250, null, List.of("2.0.1000 x"))),
                Arguments.of("three-digit parts", "550 5.123.456 x\r\n", new SmtpReply(550, "5.123.456", List.of("x"))),
                Arguments.of("code alone", "250\r\n", new SmtpReply(250, null, List.of(""))),
                Arguments.of("code and space", "250 \r\n", new SmtpReply(250, null, List.of(""))),
                Arguments.of("bare LF line end", "250-a\n250 b\n", new SmtpReply(250, null, List.of("a", "b"))),
                Arguments.of("empty continuation", "250-\r\n250 last\r\n", new SmtpReply(250, null, List.of("", "last"))),
                Arguments.of("control characters replaced", "550 a\tb\u0000c\r\n", new SmtpReply(550, null, List.of("a b c"))),
                Arguments.of("UTF-8 text", "250 2.1.5 j\u00c3\u00b6rg\r\n", new SmtpReply(250, "2.1.5", List.of("j\u00f6rg"))),
                Arguments.of("invalid UTF-8 replaced", "250 x\u00ffy\r\n", new SmtpReply(250, null, List.of("x\ufffdy"))),
                Arguments.of("unknown code in range", "299 odd\r\n", new SmtpReply(299, null, List.of("odd"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void read_table(String name, String wire, SmtpReply expected) throws IOException {
        assertThat(new ReplyReader(new ByteArrayInputStream(octets(wire))).read()).isEqualTo(expected);
        assertThat(new ReplyReader(oneBytePerRead(octets(wire))).read()).as("one byte per read").isEqualTo(expected);
        assertThat(new ReplyReader(new ByteArrayInputStream(octets(wire)), 2048, 100, 3).read()).as("3-byte buffer")
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            'hello\\r\\n'                    | BAD_CODE
            '25\\r\\n'                       | BAD_CODE
            '\\r\\n'                         | BAD_CODE
            '150 x\\r\\n'                    | BAD_CODE
            '650 x\\r\\n'                    | BAD_CODE
            '2x0 x\\r\\n'                    | BAD_CODE
            '250x\\r\\n'                     | BAD_SEPARATOR
            '250_x\\r\\n'                    | BAD_SEPARATOR
            '250-a\\r\\n251 b\\r\\n'         | CODE_CHANGED
            '250-a\\r\\nhello\\r\\n'         | BAD_CODE
            'HTTP/1.1 400 Bad Request\\r\\n' | BAD_CODE
            """)
    void read_malformed_reportsProblem(String wire, ReplyProblem problem) {
        byte[] bytes = octets(wire.replace("\\r", "\r").replace("\\n", "\n"));
        assertThatThrownBy(() -> new ReplyReader(new ByteArrayInputStream(bytes)).read())
                .isInstanceOfSatisfying(MalformedReplyException.class, e -> assertThat(e.problem()).isEqualTo(problem));
    }

    @Test
    void read_lineAtLimit_accepted_lineOverLimit_refused() throws IOException {
        String atLimit = "250 " + "x".repeat(16 - 6) + "\r\n";   // 16 octets with CRLF
        assertThat(atLimit).hasSize(16);
        assertThat(new ReplyReader(new ByteArrayInputStream(octets(atLimit)), 16, 10).read().lines())
                .containsExactly("x".repeat(10));
        String over = "250 " + "x".repeat(11) + "\r\n";
        assertThatThrownBy(() -> new ReplyReader(new ByteArrayInputStream(octets(over)), 16, 10).read())
                .isInstanceOfSatisfying(MalformedReplyException.class,
                        e -> assertThat(e.problem()).isEqualTo(ReplyProblem.LINE_TOO_LONG));
    }

    @Test
    void read_endlessLine_stopsAtLimitWithoutReadingOn() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        assertThatThrownBy(() -> new ReplyReader(endless).read())
                .isInstanceOfSatisfying(MalformedReplyException.class, e -> {
                    assertThat(e.problem()).isEqualTo(ReplyProblem.LINE_TOO_LONG);
                    assertThat(e.excerpt()).startsWith("xxxx").hasSizeLessThan(80);
                });
    }

    @Test
    void read_tooManyLines_refused() {
        String wire = "250-a\r\n".repeat(3) + "250 last\r\n";
        assertThatThrownBy(() -> new ReplyReader(new ByteArrayInputStream(octets(wire)), 100, 3).read())
                .isInstanceOfSatisfying(MalformedReplyException.class,
                        e -> assertThat(e.problem()).isEqualTo(ReplyProblem.TOO_MANY_LINES));
        assertThat(catchReply(new ReplyReader(new ByteArrayInputStream(octets(wire)), 100, 4)).lines()).hasSize(4);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            ''
            '250-first\\r\\n'
            '250 no line end'
            """)
    void read_endOfStream_isEof(String wire) {
        byte[] bytes = octets(wire.replace("\\r", "\r").replace("\\n", "\n"));
        assertThatThrownBy(() -> new ReplyReader(new ByteArrayInputStream(bytes)).read()).isInstanceOf(EOFException.class);
    }

    @Test
    void read_consecutiveReplies_inOrder_andBufferedInputReported() throws IOException {
        ReplyReader reader = new ReplyReader(new ByteArrayInputStream(octets("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n")));
        assertThat(reader.read().enhancedStatus()).isEqualTo("2.1.0");
        assertThat(reader.hasBufferedInput()).isTrue();
        assertThat(reader.read().enhancedStatus()).isEqualTo("2.1.5");
        assertThat(reader.read().code()).isEqualTo(354);
        assertThat(reader.hasBufferedInput()).isFalse();
    }

    @Test
    void malformedException_messageIsPrintableAndShort() {
        MalformedReplyException e = new MalformedReplyException(ReplyProblem.BAD_CODE, "x\r\n\"" + "y".repeat(200));
        assertThat(e.getMessage()).doesNotContain("\r", "\n").hasSizeLessThan(140);
        assertThat(e.excerpt()).startsWith("x???");
    }

    private static SmtpReply catchReply(ReplyReader reader) {
        try {
            return reader.read();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
