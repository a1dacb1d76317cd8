package dev.steward.smtp.wire;

import static dev.steward.smtp.wire.WireTestStreams.latin1;
import static dev.steward.smtp.wire.WireTestStreams.octets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpInputDataTest {

    private static final DataLimits NORMALIZE = new DataLimits(10_000, 1000, BareLf.NORMALIZE);
    private static final DataLimits REJECT = new DataLimits(10_000, 1000, BareLf.REJECT);

    /**
     * One DATA body. {@code content} is the expected sink output when accepted; {@code problem} is
     * the expected refusal (then {@code content} is null). Every case is followed by "QUIT".
     */
    record DataCase(String name, String input, DataLimits limits, String content, DataProblem problem) {
        static DataCase ok(String name, String input, DataLimits limits, String content) {
            return new DataCase(name, input, limits, content, null);
        }

        static DataCase refused(String name, String input, DataLimits limits, DataProblem problem) {
            return new DataCase(name, input, limits, null, problem);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<DataCase> table() {
        DataLimits line10 = new DataLimits(10_000, 10, BareLf.NORMALIZE);
        String twelve = "0123456789\r\n";                       // 12 octets of content
        return List.of(
                DataCase.ok("empty message", ".\r\n", NORMALIZE, ""),
                DataCase.ok("two lines", "a\r\nb\r\n.\r\n", NORMALIZE, "a\r\nb\r\n"),
                DataCase.ok("empty lines kept", "\r\n\r\n.\r\n", NORMALIZE, "\r\n\r\n"),
                DataCase.ok("stuffed dot", "..x\r\n.\r\n", NORMALIZE, ".x\r\n"),
                DataCase.ok("stuffed lone dot", "..\r\n.\r\n", NORMALIZE, ".\r\n"),
                DataCase.ok("three dots become two", "...\r\n.\r\n", NORMALIZE, "..\r\n"),
                DataCase.ok("unstuffed dot line still loses its dot", ".x\r\n.\r\n", NORMALIZE, "x\r\n"),
                DataCase.ok("dot then space is content", ". \r\n.\r\n", NORMALIZE, " \r\n"),
                DataCase.ok("dot inside a line stays", "a.b\r\n.\r\n", NORMALIZE, "a.b\r\n"),
                DataCase.ok("CRLF dot CRLF inside stuffed", "a\r\n..\r\nb\r\n.\r\n", NORMALIZE, "a\r\n.\r\nb\r\n"),
                DataCase.ok("NUL passes through", "a\u0000b\r\n\u0000\r\n.\r\n", NORMALIZE, "a\u0000b\r\n\u0000\r\n"),
                DataCase.ok("8-bit passes through", "caf\u00c3\u00a9\r\n.\r\n", NORMALIZE, "caf\u00c3\u00a9\r\n"),
                DataCase.ok("bare LF normalized", "a\nb\r\n.\r\n", NORMALIZE, "a\r\nb\r\n"),
                DataCase.ok("bare LF before stuffed dot normalized", "a\n..b\n\r\n.\r\n", NORMALIZE, "a\r\n.b\r\n\r\n"),
                DataCase.refused("bare LF rejected", "a\nb\r\n.\r\n", REJECT, DataProblem.BARE_LF),
                DataCase.refused("bare CR normalize mode", "a\rb\r\n.\r\n", NORMALIZE, DataProblem.BARE_CR),
                DataCase.refused("bare CR reject mode", "a\rb\r\n.\r\n", REJECT, DataProblem.BARE_CR),
                DataCase.refused("CR CR LF", "a\r\r\nb\r\n.\r\n", NORMALIZE, DataProblem.BARE_CR),
                DataCase.refused("bare CR at line start", "\r.\r\n.\r\n", NORMALIZE, DataProblem.BARE_CR),
                DataCase.refused("dot bare LF, normalize", "a\r\n.\nb\r\n.\r\n", NORMALIZE, DataProblem.NONSTANDARD_END_OF_DATA),
                DataCase.refused("dot bare LF, reject", "a\r\n.\nb\r\n.\r\n", REJECT, DataProblem.NONSTANDARD_END_OF_DATA),
                // A "." right after a bare-LF line is not an end: reading goes on to the real one.
                DataCase.refused("dot after bare LF", "a\n.\r\nb\r\n.\r\n", NORMALIZE, DataProblem.NONSTANDARD_END_OF_DATA),
                DataCase.refused("first line dot bare LF", ".\n.\r\n.\r\n", NORMALIZE, DataProblem.NONSTANDARD_END_OF_DATA),
                DataCase.refused("first problem wins", "a\rb\r\n.\nc\r\n.\r\n", NORMALIZE, DataProblem.BARE_CR),
                // Line length counts the CRLF but not a stuffing dot (RFC 5321 §4.5.3.1.6).
                DataCase.ok("line at limit", "01234567\r\n.\r\n", line10, "01234567\r\n"),
                DataCase.refused("line over limit", "012345678\r\n.\r\n", line10, DataProblem.LINE_TOO_LONG),
                DataCase.ok("stuffed line at limit", ".01234567\r\n.\r\n", line10, "01234567\r\n"),
                DataCase.ok("bare LF line at limit", "01234567\n\r\n.\r\n", line10, "01234567\r\n\r\n"),
                DataCase.refused("long line then smuggled end", "012345678\r\n.\nMAIL\r\n.\r\n", line10, DataProblem.LINE_TOO_LONG),
                // Size counts unstuffed content with CRLF: twelve octets per line here.
                DataCase.ok("size at limit", twelve + twelve + ".\r\n", new DataLimits(24, 1000, BareLf.NORMALIZE), twelve + twelve),
                DataCase.refused("size one over", twelve + twelve + ".\r\n", new DataLimits(23, 1000, BareLf.NORMALIZE), DataProblem.TOO_LARGE),
                DataCase.refused("size over inside CRLF", twelve + twelve + ".\r\n", new DataLimits(22, 1000, BareLf.NORMALIZE), DataProblem.TOO_LARGE),
                DataCase.ok("stuffing dot not counted in size", "." + twelve + ".\r\n", new DataLimits(12, 1000, BareLf.NORMALIZE), twelve),
                DataCase.ok("normalized LF counted as CRLF", "0123456789\n\r\n.\r\n", new DataLimits(14, 1000, BareLf.NORMALIZE), twelve + "\r\n"),
                DataCase.refused("normalized LF over size", "0123456789\n\r\n.\r\n", new DataLimits(11, 1000, BareLf.NORMALIZE), DataProblem.TOO_LARGE),
                // Both limits inside one line: the one its octets reach first is named, however the
                // reads split the line (found by fuzz/DataReaderFuzzTest: one read said LINE_TOO_LONG,
                // one-octet reads TOO_LARGE).
                DataCase.refused("size reached before line limit", "0123456789\r\n.\r\n", new DataLimits(4, 10, BareLf.NORMALIZE), DataProblem.TOO_LARGE),
                DataCase.refused("line limit reached before size", "0123456789\r\n.\r\n", new DataLimits(9, 10, BareLf.NORMALIZE), DataProblem.LINE_TOO_LONG),
                DataCase.refused("both limits at one octet", "0123456789\r\n.\r\n", new DataLimits(8, 10, BareLf.NORMALIZE), DataProblem.LINE_TOO_LONG),
                DataCase.ok("zero size, empty message", ".\r\n", new DataLimits(0, 1000, BareLf.NORMALIZE), ""),
                DataCase.refused("zero size, one empty line", "\r\n.\r\n", new DataLimits(0, 1000, BareLf.NORMALIZE), DataProblem.TOO_LARGE));
    }

    static Stream<Arguments> tableByFeed() {
        return table().stream().flatMap(dataCase -> Stream.of(WireTestStreams.Feed.values())
                .map(feed -> Arguments.of(dataCase, feed)));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("tableByFeed")
    void readData_table(DataCase dataCase, WireTestStreams.Feed feed) throws IOException {
        SmtpInput input = feed.open(octets(dataCase.input() + "QUIT\r\n"));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        DataResult result = WireTestStreams.data(input, dataCase.limits(), sink);

        if (dataCase.problem() == null) {
            boolean eightBit = dataCase.content().chars().anyMatch(c -> c >= 0x80);
            assertThat(result).isEqualTo(new DataResult.Complete(dataCase.content().length(), eightBit));
            assertThat(latin1(sink)).isEqualTo(dataCase.content());
        } else {
            assertThat(result).isEqualTo(new DataResult.Refused(dataCase.problem(), dataCase.input().length()));
            assertThat((long) sink.size()).isLessThanOrEqualTo(dataCase.limits().maxMessageSize());
        }
        // The whole body, and nothing after it, was consumed.
        assertThat(WireTestStreams.line(input, 512)).isEqualTo("QUIT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "a\r\n", "a\r\n.", "a\r\n.\r", "a\r\n..\r\n", "a\n.\n", "a\r\n.\n"})
    void readData_endOfStreamBeforeEndOfData_throwsEof(String input) {
        for (WireTestStreams.Feed feed : WireTestStreams.Feed.values()) {
            SmtpInput smtpInput = feed.open(octets(input));
            assertThatThrownBy(() -> WireTestStreams.data(smtpInput, NORMALIZE, new ByteArrayOutputStream()))
                    .as(feed.name()).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void readData_readTimeout_propagates() {
        InputStream stalled = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new SocketTimeoutException("Read timed out");
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                throw new SocketTimeoutException("Read timed out");
            }
        };
        assertThatThrownBy(() -> new SmtpInput(stalled).readData(NORMALIZE, new ByteArrayOutputStream()))
                .isInstanceOf(SocketTimeoutException.class);
    }

    @ParameterizedTest
    @EnumSource(BareLf.class)
    void readData_largeRandomMessage_matchesReferenceInEverySplitting(BareLf mode) throws IOException {
        Random random = new Random(42);
        StringBuilder body = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        while (body.length() < 200_000) {
            StringBuilder line = new StringBuilder();
            int length = random.nextInt(120);
            for (int i = 0; i < length; i++) {
                line.append(".ab\u0000\u00ff x".charAt(random.nextInt(7)));
            }
            String text = line.toString();
            body.append(text.startsWith(".") ? "." + text : text).append("\r\n");
            expected.append(text).append("\r\n");
        }
        byte[] bytes = octets(body + ".\r\nQUIT\r\n");
        for (WireTestStreams.Feed feed : List.of(WireTestStreams.Feed.WHOLE, WireTestStreams.Feed.ONE_BYTE_READS,
                WireTestStreams.Feed.BUFFER_7, WireTestStreams.Feed.NON_BLOCKING_ONE_BYTE, WireTestStreams.Feed.NON_BLOCKING_BUFFER_3)) {
            SmtpInput input = feed.open(bytes);
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            DataResult result = WireTestStreams.data(input, new DataLimits(1 << 20, 1000, mode), sink);
            assertThat(result).as(feed.name()).isEqualTo(new DataResult.Complete(expected.length(), true));
            assertThat(latin1(sink)).as(feed.name()).isEqualTo(expected.toString());
            assertThat(WireTestStreams.line(input, 512)).isEqualTo("QUIT");
        }
    }

    @Test
    void readData_cleanMessage_writesInBulkOncePerRead() throws IOException {
        String line = "x".repeat(98) + "\r\n";
        String body = line.repeat(10_000);                 // 1,000,000 octets, no dot lines
        CountingSink sink = new CountingSink();
        SmtpInput input = new SmtpInput(new ByteArrayInputStream(octets(body + ".\r\n")));

        DataResult result = input.readData(new DataLimits(1 << 21, 1000, BareLf.REJECT), sink);

        assertThat(result).isEqualTo(new DataResult.Complete(body.length(), false));
        assertThat(sink.bytes).isEqualTo(body.length());
        assertThat(sink.writes).isLessThanOrEqualTo(body.length() / SmtpInput.DEFAULT_BUFFER_SIZE + 2);
    }

    @Test
    void readData_tooLarge_stopsWritingAtLimit() throws IOException {
        String body = "y".repeat(500) + "\r\n";
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SmtpInput input = new SmtpInput(new ByteArrayInputStream(octets(body.repeat(100) + ".\r\nQUIT\r\n")));

        DataResult result = input.readData(new DataLimits(1000, 1000, BareLf.NORMALIZE), sink);

        assertThat(result).isEqualTo(new DataResult.Refused(DataProblem.TOO_LARGE, body.length() * 100L + 3));
        assertThat(sink.size()).isLessThanOrEqualTo(1000);
        assertThat(input.readCommandLine(512)).isEqualTo("QUIT");
    }

    @Test
    void readData_thenCommandsPipelinedInSameRead_areKept() throws IOException {
        SmtpInput input = new SmtpInput(new ByteArrayInputStream(octets("a\r\n.\r\nMAIL FROM:<b@c.test>\r\nQUIT\r\n")));
        assertThat(input.readData(NORMALIZE, new ByteArrayOutputStream())).isInstanceOf(DataResult.Complete.class);
        assertThat(input.hasBufferedInput()).isTrue();
        assertThat(input.readCommandLine(512)).isEqualTo("MAIL FROM:<b@c.test>");
        assertThat(input.readCommandLine(512)).isEqualTo("QUIT");
        assertThat(input.hasBufferedInput()).isFalse();
    }

    @Test
    void dataLimits_invalid_throw() {
        assertThatThrownBy(() -> new DataLimits(-1, 1000, BareLf.NORMALIZE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DataLimits(1, 2, BareLf.NORMALIZE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DataLimits(1, 1000, null)).isInstanceOf(NullPointerException.class);
        assertThat(DataLimits.withDefaults(5)).isEqualTo(new DataLimits(5, 1000, BareLf.NORMALIZE));
    }

    /** Counts write calls, to check that runs are written in bulk. */
    private static final class CountingSink extends OutputStream {
        int writes;        // calls to any write method
        long bytes;        // octets written

        @Override
        public void write(int octet) {
            writes++;
            bytes++;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {
            writes++;
            bytes += length;
        }
    }
}
