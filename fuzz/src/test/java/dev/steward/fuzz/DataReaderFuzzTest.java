package dev.steward.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.steward.smtp.wire.BareLf;
import dev.steward.smtp.wire.DataLimits;
import dev.steward.smtp.wire.DataProblem;
import dev.steward.smtp.wire.DataResult;
import dev.steward.smtp.wire.SmtpInput;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Fuzzes the DATA reader ({@link SmtpInput#readData}): dot-unstuffing, line ends, bare CR and bare
 * LF, the size and line limits and the SMTP smuggling defences, against a small reference model
 * written from the Javadoc (one line at a time, one octet at a time).
 *
 * <p>Input: one options octet, then the octets the client sends after the 354 reply. The options
 * octet picks the bare-LF mode (bit 0: 1 = REJECT), the line limit (bits 1-2: 1000, 3, 8 or 78
 * octets), the size limit (bits 3-4: 1 MiB, 0, 16 or 200 octets) and how the octets arrive
 * (bits 5-7: 0 = in one read, otherwise reads of 1 to 2n+1 octets in a fixed pattern). The body
 * is cut right after its first {@code <CR><LF>.<CR><LF>} (a DATA command's own CRLF counts as the
 * first CRLF), and one is added when there is none, so the input is exactly one body.
 *
 * <p>Properties:
 * <ul>
 *   <li>the reader ends exactly at that end-of-data and nowhere else: it neither stops early
 *       (octets left unread) nor reads on (end of stream); no other exception;</li>
 *   <li>the result is the model's: {@code Complete} with exactly the model's unstuffed CRLF
 *       content, its size and 8-bit flag, or {@code Refused} with the first problem by octet
 *       position and every octet of the body counted; so the verdict does not depend on how the
 *       reads were split;</li>
 *   <li>accepted content never holds a bare CR or a bare LF; a refused message never leaves more
 *       than the size limit in the sink.</li>
 * </ul>
 */
class DataReaderFuzzTest {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';
    private static final byte[] END_OF_DATA = {CR, LF, DOT, CR, LF};
    private static final int[] LINE_LIMITS = {DataLimits.RFC5321_LINE_LENGTH, 3, 8, 78};
    private static final long[] SIZE_LIMITS = {1 << 20, 0, 16, 200};

    @FuzzTest
    void dataBodies(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        int options = input[0] & 0xff;
        DataLimits limits = new DataLimits(SIZE_LIMITS[(options >> 3) & 3], LINE_LIMITS[(options >> 1) & 3],
                (options & 1) == 1 ? BareLf.REJECT : BareLf.NORMALIZE);
        byte[] body = oneBody(Arrays.copyOfRange(input, 1, input.length));

        ChunkedStream stream = new ChunkedStream(body, options >> 5);
        SmtpInput smtp = new SmtpInput(stream);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        DataResult result;
        try {
            result = smtp.readData(limits, sink);
        } catch (EOFException readOn) {
            throw new AssertionError("the reader did not stop at the first <CR><LF>.<CR><LF>", readOn);
        }
        assertThat(stream.remaining() == 0 && !smtp.hasBufferedInput())
                .as("the reader stopped before the first <CR><LF>.<CR><LF>").isTrue();

        Expected expected = model(Arrays.copyOf(body, body.length - 3), limits);
        if (expected.problem() == null) {
            byte[] content = sink.toByteArray();
            assertThat(result).isEqualTo(new DataResult.Complete(expected.content().length, expected.eightBit()));
            assertThat(content).isEqualTo(expected.content());
            assertNoBareLineEnds(content);
        } else {
            assertThat(result).isEqualTo(new DataResult.Refused(expected.problem(), body.length));
            assertThat((long) sink.size()).isLessThanOrEqualTo(limits.maxMessageSize());
        }
    }

    /** The octets through the first end-of-data, adding one when there is none. */
    private static byte[] oneBody(byte[] octets) {
        byte[] withEnd = Arrays.copyOf(octets, octets.length + END_OF_DATA.length);
        System.arraycopy(END_OF_DATA, 0, withEnd, octets.length, END_OF_DATA.length);
        if (withEnd.length >= 3 && withEnd[0] == DOT && withEnd[1] == CR && withEnd[2] == LF) {
            return Arrays.copyOf(withEnd, 3); // the DATA command's CRLF precedes the "."
        }
        for (int i = 0; i + END_OF_DATA.length <= withEnd.length; i++) {
            if (Arrays.equals(withEnd, i, i + END_OF_DATA.length, END_OF_DATA, 0, END_OF_DATA.length)) {
                return Arrays.copyOf(withEnd, i + END_OF_DATA.length);
            }
        }
        throw new IllegalStateException("unreachable: the appended end-of-data matches");
    }

    private record Expected(DataProblem problem, byte[] content, boolean eightBit) {}

    /**
     * The reader's contract, one line and one octet at a time: a leading dot is dropped; CR LF and
     * (NORMALIZE) a bare LF end a line and are written as CR LF; any other CR is a problem; "."
     * alone on a line that is not the end-of-data is a smuggling attempt; the line limit counts
     * the unstuffed octets plus CR LF, the size limit the written octets. The first problem by
     * position wins.
     */
    private static Expected model(byte[] content, DataLimits limits) {
        DataProblem[] problem = {null};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long size = 0;
        boolean eightBit = false;
        int position = 0;
        while (position < content.length) {
            int lf = position;
            while (content[lf] != LF) {
                lf++; // content ends in LF: the octet before the final "." CR LF
            }
            boolean crlf = lf > position && content[lf - 1] == CR;
            int bodyEnd = crlf ? lf - 1 : lf;
            boolean dotOnly = bodyEnd - position == 1 && content[position] == DOT;
            long lineLength = 0;
            for (int k = content[position] == DOT && bodyEnd > position ? position + 1 : position; k < bodyEnd; k++) {
                byte octet = content[k];
                if (octet == CR) {
                    fail(problem, DataProblem.BARE_CR);
                    continue;
                }
                lineLength++;
                if (lineLength + 2 > limits.maxLineLength()) {
                    fail(problem, DataProblem.LINE_TOO_LONG);
                } else if (problem[0] == null) {
                    if (++size > limits.maxMessageSize()) {
                        fail(problem, DataProblem.TOO_LARGE);
                    } else {
                        out.write(octet);
                        eightBit |= octet < 0;
                    }
                }
            }
            if (dotOnly) {
                fail(problem, DataProblem.NONSTANDARD_END_OF_DATA);
            } else if (problem[0] == null) {
                if (!crlf && limits.bareLf() == BareLf.REJECT) {
                    fail(problem, DataProblem.BARE_LF);
                } else if ((size += 2) > limits.maxMessageSize()) {
                    fail(problem, DataProblem.TOO_LARGE);
                } else {
                    out.write(CR);
                    out.write(LF);
                }
            }
            position = lf + 1;
        }
        return new Expected(problem[0], out.toByteArray(), eightBit);
    }

    private static void fail(DataProblem[] problem, DataProblem seen) {
        if (problem[0] == null) {
            problem[0] = seen;
        }
    }

    private static void assertNoBareLineEnds(byte[] content) {
        for (int i = 0; i < content.length; i++) {
            if (content[i] == CR) {
                assertThat(i + 1 < content.length && content[i + 1] == LF).as("bare CR at %d", i).isTrue();
            } else if (content[i] == LF) {
                assertThat(i > 0 && content[i - 1] == CR).as("bare LF at %d", i).isTrue();
            }
        }
    }

    /** Hands out its octets in reads of a fixed pattern of sizes, as a network would split them. */
    private static final class ChunkedStream extends InputStream {
        private final byte[] octets;
        private final int pattern;   // 0: everything at once
        private int position;        // next octet to hand out
        private int reads;           // reads answered so far

        ChunkedStream(byte[] octets, int pattern) {
            this.octets = octets;
            this.pattern = pattern;
        }

        int remaining() {
            return octets.length - position;
        }

        @Override
        public int read() {
            return position < octets.length ? octets[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position == octets.length) {
                return -1;
            }
            int chunk = pattern == 0 ? length : 1 + (reads * 7 + pattern * 3) % (2 * pattern + 1);
            reads++;
            int count = Math.min(Math.min(chunk, length), remaining());
            System.arraycopy(octets, position, buffer, offset, count);
            position += count;
            return count;
        }
    }
}
