package dev.steward.smtp.wire;

import static dev.steward.smtp.wire.WireTestStreams.octets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SmtpInputCommandLineTest {

    private static final int MAX = 16;

    /**
     * Input octets (Latin-1 notation) and what successive reads yield: a line, or "!PROBLEM" for
     * an {@link SmtpSyntaxException}. Every input ends with QUIT so resynchronisation is checked.
     */
    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("plain CRLF", "NOOP\r\nQUIT\r\n", List.of("NOOP", "QUIT")),
                Arguments.of("bare LF accepted", "NOOP\nQUIT\n", List.of("NOOP", "QUIT")),
                Arguments.of("empty line", "\r\nQUIT\r\n", List.of("", "QUIT")),
                Arguments.of("bare CR inside", "NO\rOP\r\nQUIT\r\n", List.of("!BARE_CR", "QUIT")),
                Arguments.of("CR CR LF", "NOOP\r\r\nQUIT\r\n", List.of("!BARE_CR", "QUIT")),
                Arguments.of("CR before bare LF is CRLF", "NOOP\r\nQUIT\r\n", List.of("NOOP", "QUIT")),
                Arguments.of("at limit with CRLF", "0123456789abcd\r\nQUIT\r\n", List.of("0123456789abcd", "QUIT")),
                Arguments.of("one over limit", "0123456789abcde\r\nQUIT\r\n", List.of("!TOO_LONG", "QUIT")),
                Arguments.of("at limit with bare LF", "0123456789abcde\nQUIT\r\n", List.of("0123456789abcde", "QUIT")),
                Arguments.of("far over limit", "x".repeat(100_000) + "\r\nQUIT\r\n", List.of("!TOO_LONG", "QUIT")),
                Arguments.of("too long wins over bare CR", "\r".repeat(40) + "\r\nQUIT\r\n", List.of("!TOO_LONG", "QUIT")),
                Arguments.of("UTF-8", "HELO \u00c3\u00a9\r\nQUIT\r\n", List.of("HELO \u00e9", "QUIT")),
                Arguments.of("invalid UTF-8", "HELO \u00c3(\r\nQUIT\r\n", List.of("!INVALID_UTF8", "QUIT")),
                Arguments.of("overlong UTF-8", "HELO \u00c0\u00af\r\nQUIT\r\n", List.of("!INVALID_UTF8", "QUIT")),
                Arguments.of("UTF-8 surrogate", "HELO \u00ed\u00a0\u0080\r\nQUIT\r\n", List.of("!INVALID_UTF8", "QUIT")),
                Arguments.of("truncated UTF-8", "HELO \u00e2\u0082\r\nQUIT\r\n", List.of("!INVALID_UTF8", "QUIT")),
                Arguments.of("NUL is passed on", "NO\u0000OP\r\nQUIT\r\n", List.of("NO\u0000OP", "QUIT")),
                Arguments.of("pipelined", "EHLO a\r\nMAIL FROM:<>\r\nRCPT TO:<b>\r\nDATA\r\nQUIT\r\n",
                        List.of("EHLO a", "MAIL FROM:<>", "RCPT TO:<b>", "DATA", "QUIT")));
    }

    static Stream<Arguments> tableByFeed() {
        return table().flatMap(arguments -> Stream.of(WireTestStreams.Feed.values())
                .map(feed -> Arguments.of(arguments.get()[0], arguments.get()[1], arguments.get()[2], feed)));
    }

    @ParameterizedTest(name = "{0} / {3}")
    @MethodSource("tableByFeed")
    void readCommandLine_table(String name, String input, List<String> expected, WireTestStreams.Feed feed)
            throws IOException {
        SmtpInput smtpInput = feed.open(octets(input));
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            try {
                actual.add(WireTestStreams.line(smtpInput, MAX));
            } catch (SmtpSyntaxException e) {
                actual.add("!" + e.problem());
            }
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(smtpInput.hasBufferedInput()).isFalse();
        assertThatThrownBy(() -> WireTestStreams.line(smtpInput, MAX)).isInstanceOf(EOFException.class);
    }

    @Test
    void readCommandLine_tooLong_reportsOctetsConsumed() throws IOException {
        SmtpInput input = new SmtpInput(new ByteArrayInputStream(octets("x".repeat(20_000) + "\r\nQUIT\r\n")));
        assertThatThrownBy(() -> input.readCommandLine(512))
                .isInstanceOfSatisfying(SmtpSyntaxException.class, e -> {
                    assertThat(e.problem()).isEqualTo(LineProblem.TOO_LONG);
                    assertThat(e.lineLength()).isEqualTo(20_002);
                });
        assertThat(input.readCommandLine(512)).isEqualTo("QUIT");
    }

    @Test
    void hasBufferedInput_pipelinedCommandsInOneRead_trueUntilLastIsRead() throws IOException {
        SmtpInput input = new SmtpInput(new ByteArrayInputStream(
                "MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(input.hasBufferedInput()).isFalse();
        assertThat(input.readCommandLine(512)).isEqualTo("MAIL FROM:<a@b.test>");
        assertThat(input.hasBufferedInput()).isTrue();
        assertThat(input.readCommandLine(512)).isEqualTo("RCPT TO:<c@d.test>");
        assertThat(input.hasBufferedInput()).isTrue();
        assertThat(input.readCommandLine(512)).isEqualTo("DATA");
        assertThat(input.hasBufferedInput()).isFalse();
    }

    @Test
    void hasBufferedInput_oneCommandPerRead_falseAfterEach() throws IOException {
        SmtpInput input = new SmtpInput(WireTestStreams.oneBytePerRead(octets("NOOP\r\nQUIT\r\n")));
        assertThat(input.readCommandLine(512)).isEqualTo("NOOP");
        assertThat(input.hasBufferedInput()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(WireTestStreams.Feed.class)
    void readCommandLine_eofMidLine_throwsEof(WireTestStreams.Feed feed) {
        assertThatThrownBy(() -> WireTestStreams.line(feed.open(octets("QUI")), MAX)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> WireTestStreams.line(feed.open(octets("QUIT\r")), MAX)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> WireTestStreams.line(feed.open(new byte[0]), MAX)).isInstanceOf(EOFException.class);
    }

    @Test
    void readCommandLine_readTimeout_propagates() {
        InputStream stalled = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new SocketTimeoutException("Read timed out");
            }
        };
        assertThatThrownBy(() -> new SmtpInput(stalled).readCommandLine(512)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void readCommandLine_utf8Address_decoded() throws IOException {
        String line = "MAIL FROM:<j\u00f6rg@b\u00fccher.test> SMTPUTF8";
        SmtpInput input = new SmtpInput(new ByteArrayInputStream((line + "\r\n").getBytes(StandardCharsets.UTF_8)));
        assertThat(input.readCommandLine(512)).isEqualTo(line);
    }
}
