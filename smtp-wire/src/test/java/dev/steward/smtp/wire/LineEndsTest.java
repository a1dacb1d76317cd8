package dev.steward.smtp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineEndsTest {

    /** The octets a word-at-a-time test could confuse: CR, LF, their 8-bit twins, and neighbours. */
    private static final byte[] TRICKY = {0x0D, 0x0A, (byte) 0x8D, (byte) 0x8A, 0x00, (byte) 0xFF, 0x0C, 0x0E,
        0x09, 0x0B, 0x7F, (byte) 0x80, 'X', '.'};

    private static int naiveNext(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\r' || bytes[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    private static boolean naiveEightBit(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void next_everyOctetValue_atEveryPositionOfTwoWords_asAnOctetLoop() {
        for (int value = 0; value < 256; value++) {
            for (int at = 0; at < 20; at++) {
                byte[] bytes = new byte[20];
                Arrays.fill(bytes, (byte) 'X');
                bytes[at] = (byte) value;
                for (int from = 0; from <= 20; from++) {
                    for (int to = from; to <= 20; to++) {
                        assertThat(LineEnds.next(bytes, from, to))
                                .as("octet 0x%02x at %d, range [%d, %d)", value, at, from, to)
                                .isEqualTo(naiveNext(bytes, from, to));
                        assertThat(LineEnds.anyEightBit(bytes, from, to))
                                .as("octet 0x%02x at %d, range [%d, %d)", value, at, from, to)
                                .isEqualTo(naiveEightBit(bytes, from, to));
                    }
                }
            }
        }
    }

    @Test
    void next_randomContentOfTrickyOctets_asAnOctetLoop() {
        Random random = new Random(5321);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[1 + random.nextInt(64)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = random.nextInt(4) == 0 ? TRICKY[random.nextInt(TRICKY.length)] : (byte) 'a';
            }
            int from = random.nextInt(bytes.length + 1);
            int to = from + random.nextInt(bytes.length - from + 1);
            assertThat(LineEnds.next(bytes, from, to)).as(Arrays.toString(bytes) + " [" + from + ", " + to + ")")
                    .isEqualTo(naiveNext(bytes, from, to));
            assertThat(LineEnds.anyEightBit(bytes, from, to)).as(Arrays.toString(bytes) + " [" + from + ", " + to + ")")
                    .isEqualTo(naiveEightBit(bytes, from, to));
        }
    }

    @Test
    void next_ignoresLineEndsOutsideTheRange() {
        byte[] bytes = "\r\nabcdefghijklmnop\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(LineEnds.next(bytes, 2, 18)).isEqualTo(18);
        assertThat(LineEnds.next(bytes, 2, 19)).isEqualTo(18);
        assertThat(LineEnds.next(bytes, 19, 20)).isEqualTo(19);
    }
}
