package dev.steward.smtp.wire;

import static dev.steward.smtp.wire.WireTestStreams.latin1;
import static dev.steward.smtp.wire.WireTestStreams.octets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotStuffingOutputStreamTest {

    /** Escapes in the table: \r and \n as written, \x as the octet 0xE9 (an 8-bit byte). */
    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\x", "\u00e9");
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            empty content                     | ''                       | '.\\r\\n'                             | 0
            one line                          | 'a\\r\\n'                | 'a\\r\\n.\\r\\n'                      | 0
            no final CRLF                     | 'a'                      | 'a\\r\\n.\\r\\n'                      | 0
            leading dot                       | '.a\\r\\n'               | '..a\\r\\n.\\r\\n'                    | 0
            lone dot line                     | 'a\\r\\n.\\r\\nb\\r\\n'  | 'a\\r\\n..\\r\\nb\\r\\n.\\r\\n'       | 0
            dot as whole content              | '.'                      | '..\\r\\n.\\r\\n'                     | 0
            two dots                          | '..\\r\\n'               | '...\\r\\n.\\r\\n'                    | 0
            dot inside a line                 | 'a.b\\r\\n'              | 'a.b\\r\\n.\\r\\n'                    | 0
            dot after empty line              | '\\r\\n.x\\r\\n'         | '\\r\\n..x\\r\\n.\\r\\n'              | 0
            empty lines kept                  | '\\r\\n\\r\\n'           | '\\r\\n\\r\\n.\\r\\n'                 | 0
            8-bit bytes pass                  | 'caf\\x\\r\\n.\\x\\r\\n' | 'caf\\x\\r\\n..\\x\\r\\n.\\r\\n'      | 0
            bare LF repaired                  | 'a\\nb\\r\\n'            | 'a\\r\\nb\\r\\n.\\r\\n'               | 1
            bare LF then dot stuffed          | 'a\\n.\\r\\n'            | 'a\\r\\n..\\r\\n.\\r\\n'              | 1
            bare CR repaired                  | 'a\\rb\\r\\n'            | 'a\\r\\nb\\r\\n.\\r\\n'               | 1
            bare CR then dot stuffed          | 'a\\r.\\r\\n'            | 'a\\r\\n..\\r\\n.\\r\\n'              | 1
            CR CR LF                          | 'a\\r\\r\\n'             | 'a\\r\\n\\r\\n.\\r\\n'                | 1
            final bare CR                     | 'a\\r'                   | 'a\\r\\n.\\r\\n'                      | 1
            smuggling attempt LF dot CRLF     | 'a\\n.\\r\\nMAIL\\r\\n'  | 'a\\r\\n..\\r\\nMAIL\\r\\n.\\r\\n'    | 1
            """)
    void stuffing_table(String name, String content, String wire, long repaired) throws IOException {
        byte[] input = octets(unescape(content));
        String expected = unescape(wire);
        for (int split = 0; split <= input.length; split++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DotStuffingOutputStream stuffing = new DotStuffingOutputStream(out);
            stuffing.write(input, 0, split);
            stuffing.write(input, split, input.length - split);
            stuffing.finish();
            assertThat(latin1(out)).as("split at %d", split).isEqualTo(expected);
            assertThat(stuffing.lineEndsRepaired()).isEqualTo(repaired);
            assertThat(stuffing.contentBytes()).isEqualTo(input.length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffingOutputStream stuffing = new DotStuffingOutputStream(out);
        for (byte b : input) {
            stuffing.write(b);
        }
        stuffing.finish();
        assertThat(latin1(out)).as("byte by byte").isEqualTo(expected);
    }

    /** What we stuff, our own server-side reader unstuffs to the same bytes (CRLF content, final CRLF). */
    @Test
    void roundTrip_throughDataReader_randomContent() throws IOException {
        Random random = new Random(5321);
        byte[] alphabet = octets(".\r\na\u00e9 ");
        for (int round = 0; round < 300; round++) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            int lines = random.nextInt(8);
            for (int line = 0; line < lines; line++) {
                int length = random.nextInt(6);
                for (int i = 0; i < length; i++) {
                    byte b = alphabet[random.nextInt(alphabet.length)];
                    content.write(b == '\r' || b == '\n' ? '.' : b);
                }
                content.write('\r');
                content.write('\n');
            }
            byte[] original = content.toByteArray();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            DotStuffingOutputStream stuffing = new DotStuffingOutputStream(wire);
            int at = 0;
            while (at < original.length) {
                int chunk = Math.min(original.length - at, 1 + random.nextInt(4));
                stuffing.write(original, at, chunk);
                at += chunk;
            }
            stuffing.finish();
            wire.write(octets("QUIT\r\n"));

            SmtpInput input = new SmtpInput(new ByteArrayInputStream(wire.toByteArray()));
            ByteArrayOutputStream unstuffed = new ByteArrayOutputStream();
            DataResult result = input.readData(new DataLimits(1 << 20, 1000, BareLf.REJECT), unstuffed);
            assertThat(result).isInstanceOf(DataResult.Complete.class);
            assertThat(unstuffed.toByteArray()).as("round %d", round).isEqualTo(original);
            assertThat(input.readCommandLine(512)).isEqualTo("QUIT");
        }
    }

    @Test
    void runs_areWrittenStraightThrough_notByteByByte() throws IOException {
        List<Integer> writes = new ArrayList<>();
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                writes.add(length);
            }
        };
        DotStuffingOutputStream stuffing = new DotStuffingOutputStream(counting);
        byte[] lines = octets(("x".repeat(998) + "\r\n").repeat(3));
        stuffing.write(lines, 0, lines.length);
        assertThat(writes).as("clean CRLF content: one write per call").containsExactly(3000);
        writes.clear();
        byte[] stuffed = octets("a\r\n.b\r\nc\r\n");
        stuffing.write(stuffed, 0, stuffed.length);
        assertThat(writes).as("a run, the stuffing dot, the rest").containsExactly(3, 1, 7);
    }

    @Test
    void close_doesNotEndTheBody() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DotStuffingOutputStream stuffing = new DotStuffingOutputStream(out)) {
            stuffing.write(octets("partial"));
        }
        assertThat(latin1(out)).isEqualTo("partial");
    }

    @Test
    void finish_twice_orWriteAfterFinish_throws() throws IOException {
        DotStuffingOutputStream stuffing = new DotStuffingOutputStream(new ByteArrayOutputStream());
        stuffing.finish();
        assertThatThrownBy(stuffing::finish).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> stuffing.write(octets("x"))).isInstanceOf(IllegalStateException.class);
    }
}
